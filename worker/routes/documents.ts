import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { batchRequestSchema } from "../contract";
import { findDocument, listDocuments, toDocumentView } from "../db/documents";
import { ingestJobs } from "../db/schema";
import { submitDocument } from "../ingest/submit-document";
import { AppError, notFound } from "../lib/app-error";
import { validate } from "../lib/validate";
import { contentTypeForFilename, isSupportedContentType } from "../rag/parse-document";
import { createServices } from "../services";

const multipartOverheadBytes = 64 * 1024;
const encoder = new TextEncoder();

/** Refuses request bodies larger than the configured upload limit with 413, before reading them. */
const uploadSizeLimit = createMiddleware<AppEnv>((c, next) =>
  bodyLimit({
    maxSize: c.var.config.maxUploadBytes + multipartOverheadBytes,
    onError: () => {
      throw tooLarge(c.var.config.maxUploadBytes);
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
    const { maxUploadBytes } = c.var.config;
    if (form.file.size > maxUploadBytes) throw tooLarge(maxUploadBytes);
    const contentType = contentTypeForFilename(form.file.name) ?? form.file.type.split(";")[0]?.trim() ?? "";
    if (!isSupportedContentType(contentType)) {
      throw new AppError(
        415,
        "unsupported_media_type",
        "Only plain text (.txt) and Markdown (.md) files are supported",
      );
    }
    const { document } = await submitDocument(createServices(c.env, c.var.config), {
      tenantId: c.var.principal.tenantId,
      title: form.title ?? form.file.name.replace(/\.[^.]+$/, ""),
      body: new Uint8Array(await form.file.arrayBuffer()),
      contentType,
      externalId: form.externalId ?? null,
      collection: form.collection,
      source: "upload",
    });
    return c.json({ document: toDocumentView(document) }, 202);
  })
  .post("/batch", uploadSizeLimit, validate("json", batchRequestSchema), async (c) => {
    const services = createServices(c.env, c.var.config);
    const results = [];
    for (const item of c.req.valid("json").documents) {
      const body = encoder.encode(item.text);
      if (body.byteLength > c.var.config.maxUploadBytes) throw tooLarge(c.var.config.maxUploadBytes);
      const { document, changed } = await submitDocument(services, {
        tenantId: c.var.principal.tenantId,
        title: item.title,
        body,
        contentType: item.contentType,
        externalId: item.externalId,
        collection: item.collection,
        source: "batch",
      });
      results.push({ ...toDocumentView(document), changed });
    }
    return c.json({ documents: results }, 202);
  })
  .get("/", async (c) => {
    const rows = await listDocuments(createServices(c.env, c.var.config).db, c.var.principal.tenantId);
    return c.json({ documents: rows.map(toDocumentView) });
  })
  .get("/:id", validate("param", documentIdSchema), async (c) => {
    const { db } = createServices(c.env, c.var.config);
    const document = await findDocument(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (!document) throw notFound("Document");
    const jobs = await db
      .select()
      .from(ingestJobs)
      .where(eq(ingestJobs.documentId, document.id))
      .orderBy(desc(ingestJobs.startedAt))
      .limit(10);
    return c.json({ document: toDocumentView(document), jobs });
  });

function tooLarge(maxUploadBytes: number): AppError {
  return new AppError(
    413,
    "payload_too_large",
    `Uploads are limited to ${Math.floor(maxUploadBytes / 1024 / 1024)} MB`,
  );
}
