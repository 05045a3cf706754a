import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { audited, idFromParam, idFromResponse } from "../audit/audited";
import { requireRole } from "../auth/require-role";
import { createSourceSchema } from "../contract";
import { runBatch } from "../db/run-batch";
import {
  countSources,
  deleteSourceStatement,
  findSource,
  insertSource,
  latestSyncs,
  listSourceSyncs,
  listSources,
  toSourceSyncView,
  toSourceView,
} from "../db/sources";
import { sourcePages } from "../db/url-documents";
import { requestDeletions } from "../ingest/request-deletion";
import { requestSync } from "../ingest/schedule-source-syncs";
import { AppError, notFound } from "../lib/app-error";
import { newId } from "../lib/ids";
import { checkUrl, RefusedUrlError } from "../lib/url-guard";
import { validate } from "../lib/validate";

// Each source is a schedule of fetches; an organisation that needs more should group pages under a sitemap.
const maxSources = 100;
const sourceIdSchema = z.object({ id: z.string().min(1).max(64) });
const syncsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });
const sourceTarget = { type: "source", id: idFromParam };

/**
 * Websites kept in sync (admins only): a page, a sitemap's pages or a site crawled within a path prefix become
 * documents of one collection, re-checked on each source's schedule with conditional requests; each sync is recorded.
 */
export const sourceRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .get("/", async (c) => {
    const { db } = c.var.services;
    const rows = await listSources(db, c.var.principal.tenantId, maxSources);
    const syncs = await latestSyncs(
      db,
      rows.map((row) => row.id),
    );
    return c.json({ sources: rows.map((row) => toSourceView(row, syncs.get(row.id) ?? null)) });
  })
  .post(
    "/",
    audited("source.create", { type: "source", id: idFromResponse("source", "id") }),
    validate("json", createSourceSchema),
    async (c) => {
      const fields = c.req.valid("json");
      const { db, queue, config } = c.var.services;
      const { tenantId, subject } = c.var.principal;
      let url: URL;
      try {
        url = checkUrl(fields.url, { allowPrivate: config.urlFetch.allowPrivate });
      } catch (error) {
        if (error instanceof RefusedUrlError) throw new AppError("invalid_request", error.message);
        throw error;
      }
      if ((await countSources(db, tenantId)) >= maxSources) {
        throw new AppError("conflict", `A tenant may have ${maxSources} sources; remove unused ones first`);
      }
      const now = new Date();
      const [source] = await insertSource(db, {
        id: newId(),
        tenantId,
        kind: fields.kind,
        url: url.href,
        collection: fields.collection,
        // A site is crawled within the start page's folder unless told otherwise.
        pathPrefix: fields.kind === "site" ? (fields.pathPrefix ?? url.pathname.replace(/[^/]*$/, "")) : null,
        pageLimit: fields.kind === "url" ? 1 : fields.pageLimit,
        syncEveryMinutes: fields.syncEveryMinutes,
        nextSyncAt: new Date(now.getTime() + fields.syncEveryMinutes * 60_000),
        createdBy: subject,
      });
      if (!source) throw new Error("The source was not written");
      const sync = await requestSync({ db, queue }, source, "created");
      return c.json({ source: toSourceView(source, sync) }, 201);
    },
  )
  .get("/:id", validate("param", sourceIdSchema), async (c) => {
    const { db } = c.var.services;
    const source = await findSource(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!source) throw notFound("Source");
    const syncs = await latestSyncs(db, [source.id]);
    return c.json({ source: toSourceView(source, syncs.get(source.id) ?? null) });
  })
  .get("/:id/syncs", validate("param", sourceIdSchema), validate("query", syncsQuerySchema), async (c) => {
    const { db } = c.var.services;
    const source = await findSource(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!source) throw notFound("Source");
    const rows = await listSourceSyncs(db, source.id, c.req.valid("query").limit);
    return c.json({ syncs: rows.map(toSourceSyncView) });
  })
  .post("/:id/sync", audited("source.sync", sourceTarget), validate("param", sourceIdSchema), async (c) => {
    const { db, queue } = c.var.services;
    const source = await findSource(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!source) throw notFound("Source");
    const sync = await requestSync({ db, queue }, source, "manual");
    if (!sync) throw new AppError("conflict", "A sync of this source is running; wait for it to finish");
    return c.json({ sync: toSourceSyncView(sync) }, 202);
  })
  .delete("/:id", audited("source.delete", sourceTarget), validate("param", sourceIdSchema), async (c) => {
    const { db, queue } = c.var.services;
    const source = await findSource(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!source) throw notFound("Source");
    const pages = await sourcePages(db, source.id);
    await requestDeletions(
      { db, queue },
      source.tenantId,
      pages.filter((page) => page.status !== "deleting").map((page) => page.id),
    );
    await runBatch(db, [[deleteSourceStatement(db, source.id)]]);
    return c.json({ source: toSourceView(source, null), deletedPages: pages.length });
  });
