import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { audited, idFromParam, idFromResponse } from "../audit/audited";
import { unreadableCollections } from "../auth/collection-access";
import { addressRateLimit, submissionRateLimit } from "../auth/rate-limit";
import { requireRole } from "../auth/require-role";
import {
  batchRequestSchema,
  documentChunksQuerySchema,
  listDocumentsQuerySchema,
  renameDocumentSchema,
  uploadFormSchema,
} from "../contract";
import { readDocumentText } from "../db/document-text";
import {
  findDocument,
  ingestStats,
  listDocuments,
  recentIngestJobs,
  toDocumentView,
  toIngestJobView,
} from "../db/documents";
import { acceptDocument, documentHeadBytes, singleUploadLimit, sizeLimitMessage } from "../ingest/accept-document";
import { reembedDocuments } from "../ingest/reembed-documents";
import { renameDocument } from "../ingest/rename-document";
import { requestDeletion } from "../ingest/request-deletion";
import { requestRefetches } from "../ingest/source-pages";
import { submitBatch } from "../ingest/submit-batch";
import { reingestDocument, submitDocument } from "../ingest/submit-document";
import { notFound } from "../lib/app-error";
import { limitBody } from "../lib/body-limit";
import { formatMegabytes } from "../lib/format-megabytes";
import { validate } from "../lib/validate";

// Room for the form's other fields and boundaries, and for a batch's JSON around its texts.
const envelopeBytes = 64 * 1024;

/** Refuses an upload larger than the single-request limit with 413, before reading it. */
const uploadBodyLimit = limitBody<AppEnv>(
  (c) => c.var.services.config.maxUploadBytes + envelopeBytes,
  (_, c) => sizeLimitMessage(singleUploadLimit(c.var.services.config.maxUploadBytes), null),
);

const documentIdSchema = z.object({ id: z.string().min(1).max(64) });

const documentTarget = { type: "document", id: idFromParam };

/**
 * Document management: admins upload, batch-upsert by external id, list, inspect, rename, re-ingest and delete;
 * integrations with the `ingest` role may only submit and delete; members read the text of the documents they may
 * search.
 */
export const documentRoutes = new Hono<AppEnv>()
  .post(
    "/",
    addressRateLimit,
    requireRole("ingest"),
    submissionRateLimit,
    audited("document.upload", { type: "document", id: idFromResponse("document", "id") }),
    uploadBodyLimit,
    validate("form", uploadFormSchema),
    async (c) => {
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
    },
  )
  .post(
    "/batch",
    addressRateLimit,
    requireRole("ingest"),
    submissionRateLimit,
    audited("document.batch"),
    limitBody<AppEnv>(
      (c) => c.var.services.config.maxUploadBytes + envelopeBytes,
      (maxBytes) =>
        `A batch is limited to ${formatMegabytes(maxBytes)} of JSON; send its documents in several requests`,
    ),
    validate("json", batchRequestSchema, { maxBytes: null }),
    async (c) => {
      const results = await submitBatch(c.var.services, {
        tenantId: c.var.principal.tenantId,
        documents: c.req.valid("json").documents,
        source: "batch",
        maxBytes: c.var.services.config.maxUploadBytes,
      });
      return c.json(
        { documents: results.map(({ document, changed }) => ({ ...toDocumentView(document), changed })) },
        202,
      );
    },
  )
  .get("/", requireRole("admin"), validate("query", listDocumentsQuerySchema), async (c) => {
    const { documents, nextCursor } = await listDocuments(
      c.var.services.db,
      c.var.principal.tenantId,
      c.req.valid("query"),
    );
    return c.json({ documents: documents.map(toDocumentView), nextCursor });
  })
  .get("/stats", requireRole("admin"), async (c) => {
    return c.json(await ingestStats(c.var.services.db, c.var.principal.tenantId));
  })
  .post("/reembed", requireRole("admin"), audited("documents.reembed"), async (c) => {
    const services = c.var.services;
    const { embeddingModelId } = services.models;
    const queued = await reembedDocuments(services, { tenantId: c.var.principal.tenantId, embeddingModelId });
    return c.json({ queued, embeddingModel: embeddingModelId }, 202);
  })
  .get("/:id", requireRole("admin"), validate("param", documentIdSchema), async (c) => {
    const { db } = c.var.services;
    const document = await findDocument(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document) throw notFound("Document");
    const jobs = (await recentIngestJobs(db, document.id)).map(toIngestJobView);
    return c.json({ document: toDocumentView(document), lastJob: jobs[0] ?? null, jobs });
  })
  // Members read the text of the documents they may search: another tenant's document, one being deleted and one in
  // a collection restricted to groups they are not in all answer 404 alike, so none of them is revealed.
  .get(
    "/:id/chunks",
    requireRole("member"),
    validate("param", documentIdSchema),
    validate("query", documentChunksQuerySchema),
    async (c) => {
      const { db } = c.var.services;
      const { tenantId } = c.var.principal;
      const document = await findDocument(db, tenantId, c.req.valid("param").id);
      const unreadable = document ? await unreadableCollections(db, tenantId, c.var.principal) : [];
      if (!document || document.status === "deleting" || unreadable.includes(document.collection)) {
        throw notFound("Document");
      }
      return c.json(await readDocumentText(db, document, c.req.valid("query")));
    },
  )
  .patch(
    "/:id",
    requireRole("admin"),
    audited("document.rename", documentTarget),
    validate("param", documentIdSchema),
    validate("json", renameDocumentSchema),
    async (c) => {
      const services = c.var.services;
      const document = await findDocument(services.db, c.var.principal.tenantId, c.req.valid("param").id);
      if (!document || document.status === "deleting") throw notFound("Document");
      const renamed = await renameDocument(services, document, c.req.valid("json").title);
      return c.json({ document: toDocumentView(renamed) });
    },
  )
  .post(
    "/:id/reingest",
    requireRole("admin"),
    audited("document.reingest", documentTarget),
    validate("param", documentIdSchema),
    async (c) => {
      const services = c.var.services;
      const document = await findDocument(services.db, c.var.principal.tenantId, c.req.valid("param").id);
      if (!document || document.status === "deleting") throw notFound("Document");
      // A URL document is fetched again (a page that did not change is not ingested again).
      if (document.url) {
        await requestRefetches(services, [document], null);
        const refetched = await findDocument(services.db, document.tenantId, document.id);
        return c.json({ document: toDocumentView(refetched ?? document) }, 202);
      }
      return c.json({ document: toDocumentView(await reingestDocument(services, document)) }, 202);
    },
  )
  .delete(
    "/:id",
    requireRole("ingest"),
    audited("document.delete", documentTarget),
    validate("param", documentIdSchema),
    async (c) => {
      const services = c.var.services;
      const document = await findDocument(services.db, c.var.principal.tenantId, c.req.valid("param").id);
      if (!document) throw notFound("Document");
      return c.json({ document: toDocumentView(await requestDeletion(services, document)) }, 202);
    },
  );
