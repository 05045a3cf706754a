import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import type { Db } from "../db/client";
import { findDocumentByExternalId, toDocumentView } from "../db/documents";
import { uploads } from "../db/schema";
import { uploadObjectKey } from "../ingest/object-keys";
import { submitDocument } from "../ingest/submit-document";
import { AppError, notFound } from "../lib/app-error";
import { newId } from "../lib/ids";
import { objectSha256 } from "../lib/sha256";
import { validate } from "../lib/validate";
import { detectContentType, maxSniffBytes } from "../rag/parse/supported-types";

/** R2 needs every part but the last to be the same size and at least 5 MiB; 8 MiB keeps 100 MB to 13 parts. */
const partSize = 8 * 1024 * 1024;
const maxPartNumber = 10_000;
/** Kept in the multipart upload's custom metadata, so completion can tell when a part was left out. */
const declaredSizeKey = "declaredSize";

type UploadRow = typeof uploads.$inferSelect;

const createUploadSchema = z.object({
  filename: z.string().trim().min(1).max(512),
  size: z.number().int().positive(),
  contentType: z.string().trim().min(1).max(255).optional(),
  title: z.string().trim().min(1).max(512).optional(),
  externalId: z.string().min(1).max(256).optional(),
  collection: z.string().min(1).max(64).default("default"),
});

const uploadIdSchema = z.object({ id: z.string().min(1).max(64) });

const partParamSchema = uploadIdSchema.extend({
  partNumber: z.coerce.number().int().min(1).max(maxPartNumber),
});

const completeUploadSchema = z.object({
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(maxPartNumber), etag: z.string().min(1).max(256) }))
    .min(1)
    .max(maxPartNumber),
});

/**
 * Large files in parts, straight into an R2 multipart upload, so no request body nears the Workers limits:
 * create the upload, PUT each part, then complete it to submit the document for ingestion.
 */
export const uploadRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .post("/", validate("json", createUploadSchema), async (c) => {
    const request = c.req.valid("json");
    const { maxFileBytes } = c.var.services.config;
    if (request.size > maxFileBytes) {
      throw new AppError("payload_too_large", `Files are limited to ${formatMegabytes(maxFileBytes)}`);
    }
    const tenantId = c.var.principal.tenantId;
    const { db, bucket } = c.var.services;
    const existing = request.externalId ? await findDocumentByExternalId(db, tenantId, request.externalId) : undefined;
    const documentId = existing?.id ?? newId();
    const id = newId();
    const r2Key = uploadObjectKey(tenantId, documentId, id);
    const multipart = await bucket.createMultipartUpload(r2Key, {
      customMetadata: { tenantId, documentId, [declaredSizeKey]: String(request.size) },
    });
    await db.insert(uploads).values({
      id,
      tenantId,
      documentId,
      r2Key,
      r2UploadId: multipart.uploadId,
      filename: request.filename,
      // Replaced by the sniffed type when part 1 arrives.
      contentType: request.contentType ?? "application/octet-stream",
      title: request.title ?? titleFromFilename(request.filename),
      collection: request.collection,
      externalId: request.externalId ?? null,
    });
    return c.json({ upload: { id, partSize, partCount: Math.ceil(request.size / partSize) } }, 201);
  })
  .put(
    "/:id/parts/:partNumber",
    validate("param", partParamSchema),
    bodyLimit({
      maxSize: partSize,
      onError: () => {
        throw new AppError("payload_too_large", `Parts are limited to ${partSize} bytes (partSize)`);
      },
    }),
    async (c) => {
      const { id, partNumber } = c.req.valid("param");
      const mediaType = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
      if (mediaType && mediaType !== "application/octet-stream") {
        throw new AppError("unsupported_media_type", "Send each part as raw application/octet-stream bytes");
      }
      const { db, bucket } = c.var.services;
      const upload = requireOpen(await findUpload(db, c.var.principal.tenantId, id));
      const body = new Uint8Array(await c.req.arrayBuffer());
      if (body.byteLength === 0) throw new AppError("invalid_request", "A part must not be empty");
      const multipart = bucket.resumeMultipartUpload(upload.r2Key, upload.r2UploadId);

      if (partNumber === 1) {
        const contentType = detectContentType({
          head: body.subarray(0, maxSniffBytes),
          filename: upload.filename,
          declaredType: upload.contentType,
        });
        if (!contentType) {
          await multipart.abort();
          await setStatus(db, upload.id, "aborted");
          throw new AppError(
            "unsupported_media_type",
            `"${upload.filename}" is not a supported document type (text, Markdown, HTML, PDF, DOCX, CSV or JSON); ` +
              "the upload was aborted",
          );
        }
        if (contentType !== upload.contentType) {
          await db.update(uploads).set({ contentType }).where(eq(uploads.id, upload.id));
        }
      }

      const part = await multipart.uploadPart(partNumber, body);
      return c.json({ partNumber: part.partNumber, etag: part.etag });
    },
  )
  .post("/:id/complete", validate("param", uploadIdSchema), validate("json", completeUploadSchema), async (c) => {
    const services = c.var.services;
    const { db, bucket } = services;
    const upload = requireOpen(await findUpload(db, c.var.principal.tenantId, c.req.valid("param").id));
    const parts = inOrderWithoutGaps(c.req.valid("json").parts);

    // A retry after a failure past this point finds the object already assembled.
    const object =
      (await bucket.head(upload.r2Key)) ??
      (await bucket
        .resumeMultipartUpload(upload.r2Key, upload.r2UploadId)
        .complete(parts)
        .catch((error: unknown) => {
          throw completionError(error);
        }));

    const { maxFileBytes } = c.var.services.config;
    const declaredSize = Number(object.customMetadata?.[declaredSizeKey]);
    if (object.size > maxFileBytes || object.size !== declaredSize) {
      await bucket.delete(upload.r2Key);
      await setStatus(db, upload.id, "aborted");
      if (object.size > maxFileBytes) {
        throw new AppError("payload_too_large", `Files are limited to ${formatMegabytes(maxFileBytes)}`);
      }
      throw new AppError(
        "invalid_request",
        `The parts add up to ${object.size} bytes, not the ${declaredSize} the upload was created for ` +
          "(is a part missing?); the upload was aborted, so start a new one",
      );
    }

    const { document } = await submitDocument(services, {
      tenantId: upload.tenantId,
      documentId: upload.documentId,
      title: upload.title,
      contentType: upload.contentType,
      externalId: upload.externalId,
      collection: upload.collection,
      source: "upload",
      stored: { r2Key: upload.r2Key, size: object.size, sha256: await objectSha256(bucket, upload.r2Key) },
    });
    await setStatus(db, upload.id, "completed");
    return c.json({ document: toDocumentView(document) }, 202);
  })
  .delete("/:id", validate("param", uploadIdSchema), async (c) => {
    const { db, bucket } = c.var.services;
    const upload = await findUpload(db, c.var.principal.tenantId, c.req.valid("param").id);
    if (upload.status === "completed") {
      throw new AppError("conflict", "The upload is already complete; delete the document instead");
    }
    if (upload.status === "open") {
      await bucket.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).abort();
      await setStatus(db, upload.id, "aborted");
    }
    return c.body(null, 204);
  });

/** The tenant's upload; another tenant's id is indistinguishable from a missing one. */
async function findUpload(db: Db, tenantId: string, id: string): Promise<UploadRow> {
  const upload = await db
    .select()
    .from(uploads)
    .where(and(eq(uploads.tenantId, tenantId), eq(uploads.id, id)))
    .get();
  if (!upload) throw notFound("Upload");
  return upload;
}

function requireOpen(upload: UploadRow): UploadRow {
  if (upload.status !== "open") throw new AppError("conflict", `The upload is ${upload.status}, no longer open`);
  return upload;
}

function setStatus(db: Db, id: string, status: "completed" | "aborted"): Promise<unknown> {
  return db.update(uploads).set({ status }).where(eq(uploads.id, id));
}

/** Sorts the parts and insists on 1..n, so a forgotten part is named instead of silently left out. */
function inOrderWithoutGaps(parts: R2UploadedPart[]): R2UploadedPart[] {
  const sorted = parts.toSorted((first, second) => first.partNumber - second.partNumber);
  sorted.forEach((part, index) => {
    if (part.partNumber === index + 1) return;
    const problem =
      part.partNumber === index ? `Part ${part.partNumber} is listed twice` : `Part ${index + 1} is missing`;
    throw new AppError("invalid_request", `${problem}: list every part from 1 to ${sorted.length} once`);
  });
  return sorted;
}

// R2 reports what went wrong only in the message, with its numeric error code in parentheses.
function completionError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : "";
  if (/\(10025\)/.test(message)) {
    return new AppError(
      "invalid_request",
      "A listed part was never uploaded or its etag does not match: send the partNumber and etag each part upload returned",
    );
  }
  if (/\((10011|10048)\)/.test(message)) {
    return new AppError(
      "invalid_request",
      `Every part but the last must be exactly ${partSize} bytes (partSize), and the last no larger`,
    );
  }
  if (/\(10024\)/.test(message)) return new AppError("conflict", "The upload is no longer open");
  return error;
}

function titleFromFilename(filename: string): string {
  const name = filename.split(/[\\/]/).pop() ?? filename;
  return name.replace(/\.[^.]+$/, "") || name;
}

function formatMegabytes(bytes: number): string {
  return `${Math.floor(bytes / 1024 / 1024)} MB`;
}
