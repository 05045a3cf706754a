import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { batchRequestSchema, uploadFormSchema } from "../contract";
import {
  documentsWithOtherEmbeddingModel,
  findDocument,
  ingestStats,
  listDocuments,
  recentIngestJobs,
  toDocumentView,
  toIngestJobView,
} from "../db/documents";
import {
  acceptDocument,
  acceptDocumentFields,
  batchTextLimit,
  documentHeadBytes,
  singleUploadLimit,
  sizeLimitMessage,
} from "../ingest/accept-document";
import { requestDeletion } from "../ingest/request-deletion";
import { reingestDocument, submitDocument, submitDocuments } from "../ingest/submit-document";
import { notFound } from "../lib/app-error";
import { limitBody } from "../lib/body-limit";
import { formatMegabytes } from "../lib/format-megabytes";
import { validate } from "../lib/validate";

// Room for the form's other fields and boundaries, and for a batch's JSON around its texts.
const envelopeBytes = 64 * 1024;
const encoder = new TextEncoder();

/** Refuses an upload larger than the single-request limit with 413, before reading it. */
const uploadBodyLimit = limitBody(
  (c) => c.var.services.config.maxUploadBytes + envelopeBytes,
  (_, c) => sizeLimitMessage(singleUploadLimit(c.var.services.config.maxUploadBytes), null),
);

const documentIdSchema = z.object({ id: z.string().min(1).max(64) });

/** Admin document management: upload, batch upsert by external id, list, and inspect. */
export const documentRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .post("/", uploadBodyLimit, validate("form", uploadFormSchema), async (c) => {
    const { file, ...fields } = c.req.valid("form");
    const accepted = acceptDocument(
      {
        ...fields,
        filename: file.name,
        size: file.size,
        head: new Uint8Array(await file.slice(0, documentHeadBytes).arrayBuffer()),
        declaredType: file.type || null,
      },
      singleUploadLimit(c.var.services.config.maxUploadBytes),
    );
    const body = new Uint8Array(await file.arrayBuffer());
    const { document } = await submitDocument(c.var.services, {
      tenantId: c.var.principal.tenantId,
      ...accepted,
      body,
      source: "upload",
    });
    return c.json({ document: toDocumentView(document) }, 202);
  })
  .post(
    "/batch",
    limitBody(
      (c) => c.var.services.config.maxUploadBytes + envelopeBytes,
      (maxBytes) =>
        `A batch is limited to ${formatMegabytes(maxBytes)} of JSON; send its documents in several requests`,
    ),
    validate("json", batchRequestSchema, { maxBytes: null }),
    async (c) => {
      const limit = batchTextLimit(c.var.services.config.maxUploadBytes);
      const submissions = c.req.valid("json").documents.map((item) => {
        const body = encoder.encode(item.text);
        const fields = acceptDocumentFields({ ...item, filename: null, size: body.byteLength }, limit);
        return {
          tenantId: c.var.principal.tenantId,
          ...fields,
          body,
          // A batch's text is text of the type it declares (one of the text types); there are no bytes to sniff.
          contentType: item.contentType,
          source: "batch" as const,
        };
      });
      const results = await submitDocuments(c.var.services, submissions);
      return c.json(
        { documents: results.map(({ document, changed }) => ({ ...toDocumentView(document), changed })) },
        202,
      );
    },
  )
  .get("/", async (c) => {
    const rows = await listDocuments(c.var.services.db, c.var.principal.tenantId);
    return c.json({ documents: rows.map(toDocumentView) });
  })
  .get("/stats", async (c) => {
    return c.json(await ingestStats(c.var.services.db, c.var.principal.tenantId));
  })
  .post("/reembed", async (c) => {
    const services = c.var.services;
    const stale = await documentsWithOtherEmbeddingModel(
      services.db,
      c.var.principal.tenantId,
      services.models.embeddingModelId,
    );
    for (const document of stale) await reingestDocument(services, document);
    return c.json({ queued: stale.length, embeddingModel: services.models.embeddingModelId }, 202);
  })
  .get("/:id", validate("param", documentIdSchema), async (c) => {
    const { db } = c.var.services;
    const document = await findDocument(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document) throw notFound("Document");
    const jobs = (await recentIngestJobs(db, document.id)).map(toIngestJobView);
    return c.json({ document: toDocumentView(document), lastJob: jobs[0] ?? null, jobs });
  })
  .post("/:id/reingest", validate("param", documentIdSchema), async (c) => {
    const services = c.var.services;
    const document = await findDocument(services.db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document || document.status === "deleting") throw notFound("Document");
    return c.json({ document: toDocumentView(await reingestDocument(services, document)) }, 202);
  })
  .delete("/:id", validate("param", documentIdSchema), async (c) => {
    const services = c.var.services;
    const document = await findDocument(services.db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document) throw notFound("Document");
    return c.json({ document: toDocumentView(await requestDeletion(services, document)) }, 202);
  });
