import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { batchRequestSchema } from "../contract";
import {
  documentsWithOtherEmbeddingModel,
  findDocument,
  ingestStats,
  listDocuments,
  toDocumentView,
  toIngestJobView,
  updateDocument,
} from "../db/documents";
import { ingestJobs } from "../db/schema";
import { reingestDocument, submitDocument, submitDocuments } from "../ingest/submit-document";
import { AppError, notFound } from "../lib/app-error";
import { validate } from "../lib/validate";
import { detectContentType, maxSniffBytes } from "../rag/parse/supported-types";

const multipartOverheadBytes = 64 * 1024;
const encoder = new TextEncoder();

/** Refuses request bodies larger than the configured upload limit with 413, before reading them. */
const uploadSizeLimit = createMiddleware<AppEnv>((c, next) =>
  bodyLimit({
    maxSize: c.var.services.config.maxUploadBytes + multipartOverheadBytes,
    onError: () => {
      throw tooLarge(c.var.services.config.maxUploadBytes);
    },
  })(c, next),
);

const uploadFormSchema = z.object({
  file: z.instanceof(File, { message: "Send the document as a multipart form field named 'file'" }),
  title: z.string().trim().min(1).max(512).optional(),
  externalId: z.string().min(1).max(256).optional(),
  collection: z.string().min(1).max(64).default("default"),
});

const documentIdSchema = z.object({ id: z.string().min(1).max(64) });

/** Admin document management: upload, batch upsert by external id, list, and inspect. */
export const documentRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .post("/", uploadSizeLimit, validate("form", uploadFormSchema), async (c) => {
    const form = c.req.valid("form");
    const { maxUploadBytes } = c.var.services.config;
    if (form.file.size > maxUploadBytes) throw tooLarge(maxUploadBytes);
    const body = new Uint8Array(await form.file.arrayBuffer());
    // The bytes decide, not the extension or the declared type alone.
    const contentType = detectContentType({
      head: body.subarray(0, maxSniffBytes),
      filename: form.file.name,
      declaredType: form.file.type || null,
    });
    if (!contentType) throw unsupportedMediaType();
    const { document } = await submitDocument(c.var.services, {
      tenantId: c.var.principal.tenantId,
      title: form.title ?? form.file.name.replace(/\.[^.]+$/, ""),
      body,
      contentType,
      externalId: form.externalId ?? null,
      collection: form.collection,
      source: "upload",
    });
    return c.json({ document: toDocumentView(document) }, 202);
  })
  .post("/batch", uploadSizeLimit, validate("json", batchRequestSchema), async (c) => {
    const { maxUploadBytes } = c.var.services.config;
    const submissions = c.req.valid("json").documents.map((item) => {
      const body = encoder.encode(item.text);
      if (body.byteLength > maxUploadBytes) throw tooLarge(maxUploadBytes);
      return {
        tenantId: c.var.principal.tenantId,
        title: item.title,
        body,
        contentType: item.contentType,
        externalId: item.externalId,
        collection: item.collection,
        source: "batch" as const,
      };
    });
    const results = await submitDocuments(c.var.services, submissions);
    return c.json(
      { documents: results.map(({ document, changed }) => ({ ...toDocumentView(document), changed })) },
      202,
    );
  })
  .get("/", async (c) => {
    const rows = await listDocuments(c.var.services.db, c.var.principal.tenantId);
    return c.json({ documents: rows.map(toDocumentView) });
  })
  .get("/stats", async (c) => {
    const { db } = c.var.services;
    return c.json(await ingestStats(db, c.var.principal.tenantId));
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
    const jobs = (
      await db
        .select()
        .from(ingestJobs)
        .where(eq(ingestJobs.documentId, document.id))
        .orderBy(desc(ingestJobs.version))
        .limit(10)
    ).map(toIngestJobView);
    return c.json({ document: toDocumentView(document), lastJob: jobs[0] ?? null, jobs });
  })
  .post("/:id/reingest", validate("param", documentIdSchema), async (c) => {
    const services = c.var.services;
    const document = await findDocument(services.db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document || document.status === "deleting") throw notFound("Document");
    return c.json({ document: toDocumentView(await reingestDocument(services, document)) }, 202);
  })
  .delete("/:id", validate("param", documentIdSchema), async (c) => {
    const { db, queue } = c.var.services;
    const document = await findDocument(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document) throw notFound("Document");
    await updateDocument(db, document.id, { status: "deleting" });
    await queue.send({ type: "delete", tenantId: document.tenantId, documentId: document.id });
    return c.json({ document: toDocumentView({ ...document, status: "deleting" }) }, 202);
  });

function unsupportedMediaType(): AppError {
  return new AppError(
    "unsupported_media_type",
    "Unsupported file type: upload text, Markdown, HTML, PDF, DOCX, CSV or JSON",
  );
}

function tooLarge(maxUploadBytes: number): AppError {
  return new AppError("payload_too_large", `Uploads are limited to ${Math.floor(maxUploadBytes / 1024 / 1024)} MB`);
}
