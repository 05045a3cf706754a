import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { audited, idFromParam, idFromResponse } from "../audit/audited";
import { addressRateLimit, submissionRateLimit } from "../auth/rate-limit";
import { requireRole } from "../auth/require-role";
import { completeUploadSchema, createUploadSchema, maxUploadParts } from "../contract";
import { toDocumentView } from "../db/documents";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  partSize,
  uploadPart,
} from "../ingest/multipart-upload";
import { AppError } from "../lib/app-error";
import { limitBody } from "../lib/body-limit";
import { validate } from "../lib/validate";

// The create request carries a file name (up to 8,192 characters) and a few short fields.
const createRequestBytes = 64 * 1024;

const uploadIdSchema = z.object({ id: z.string().min(1).max(64) });

const partParamSchema = uploadIdSchema.extend({
  partNumber: z.coerce.number().int().min(1).max(maxUploadParts),
});

/**
 * Large files in parts, straight into an R2 multipart upload, so no request body nears the Workers limits:
 * create the upload, PUT each part, then complete it to submit the document for ingestion.
 */
export const uploadRoutes = new Hono<AppEnv>()
  // Admins and integrations with the ingest role.
  .use(requireRole("ingest"))
  .post(
    "/",
    addressRateLimit,
    submissionRateLimit,
    audited("upload.create", { type: "upload", id: idFromResponse("upload", "id") }),
    validate("json", createUploadSchema, { maxBytes: createRequestBytes }),
    async (c) => {
      const upload = await createMultipartUpload(
        c.var.services,
        { ...c.req.valid("json"), tenantId: c.var.principal.tenantId },
        c.var.services.config.maxFileBytes,
      );
      return c.json({ upload }, 201);
    },
  )
  .put(
    "/:id/parts/:partNumber",
    validate("param", partParamSchema),
    limitBody(partSize, () => `Parts are limited to ${partSize} bytes (partSize)`),
    async (c) => {
      const { id, partNumber } = c.req.valid("param");
      const mediaType = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
      if (mediaType && mediaType !== "application/octet-stream") {
        throw new AppError("unsupported_media_type", "Send each part as raw application/octet-stream bytes");
      }
      const part = await uploadPart(c.var.services, {
        tenantId: c.var.principal.tenantId,
        uploadId: id,
        partNumber,
        body: new Uint8Array(await c.req.arrayBuffer()),
      });
      return c.json(part);
    },
  )
  .post(
    "/:id/complete",
    audited("upload.complete", { type: "upload", id: idFromParam }),
    validate("param", uploadIdSchema),
    validate("json", completeUploadSchema),
    async (c) => {
      const document = await completeMultipartUpload(
        c.var.services,
        { tenantId: c.var.principal.tenantId, uploadId: c.req.valid("param").id, parts: c.req.valid("json").parts },
        c.var.services.config.maxFileBytes,
      );
      return c.json({ document: toDocumentView(document) }, 202);
    },
  )
  .delete(
    "/:id",
    audited("upload.abort", { type: "upload", id: idFromParam }),
    validate("param", uploadIdSchema),
    async (c) => {
      await abortMultipartUpload(c.var.services, {
        tenantId: c.var.principal.tenantId,
        uploadId: c.req.valid("param").id,
      });
      return c.body(null, 204);
    },
  );
