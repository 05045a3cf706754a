import type { Db } from "../db/client";
import { type DocumentRow, findDocumentByExternalId } from "../db/documents";
import { findUpload, insertUpload, setUploadContentType, setUploadStatus, type UploadRow } from "../db/uploads";
import { AppError, notFound } from "../lib/app-error";
import { newId } from "../lib/ids";
import { objectSha256 } from "../lib/sha256";
import { isSupportedContentType, type SupportedContentType } from "../rag/parse/supported-types";
import {
  acceptDocumentContent,
  acceptDocumentFields,
  documentTypeLimit,
  fileLimit,
  type SizeLimit,
  sizeLimitMessage,
} from "./accept-document";
import { uploadObjectKey } from "./object-keys";
import { type SubmitDependencies, submitDocument } from "./submit-document";

/** R2 needs every part but the last to be the same size and at least 5 MiB; 8 MiB keeps 100 MB to 13 parts. */
export const partSize = 8 * 1024 * 1024;
/** Kept in the multipart upload's custom metadata, so completion can tell when a part was left out. */
const declaredSizeKey = "declaredSize";

interface UploadStorage {
  db: Db;
  bucket: R2Bucket;
}

/** A multipart upload as a client starts it: the file's name and size, and how to submit it. */
export interface MultipartUploadRequest {
  tenantId: string;
  filename: string;
  size: number;
  /** The type the client declares; only a hint until the first part's bytes are sniffed. */
  contentType?: string;
  title?: string;
  externalId?: string;
  collection?: string;
}

/** What the client needs to send the parts. */
export interface CreatedUpload {
  id: string;
  partSize: number;
  partCount: number;
}

/**
 * Starts an R2 multipart upload for a file of up to `maxFileBytes`, after the same intake checks as any other
 * document. The upload becomes the document with the same external id, or a new one whose id is reserved now.
 */
export async function createMultipartUpload(
  { db, bucket }: UploadStorage,
  request: MultipartUploadRequest,
  maxFileBytes: number,
): Promise<CreatedUpload> {
  const fields = acceptDocumentFields(request, fileLimit(maxFileBytes));
  const { tenantId } = request;
  const existing = fields.externalId ? await findDocumentByExternalId(db, tenantId, fields.externalId) : undefined;
  const documentId = existing?.id ?? newId();
  const id = newId();
  const r2Key = uploadObjectKey(tenantId, documentId, id);
  const multipart = await bucket.createMultipartUpload(r2Key, {
    customMetadata: { tenantId, documentId, [declaredSizeKey]: String(request.size) },
  });
  await insertUpload(db, {
    id,
    tenantId,
    documentId,
    r2Key,
    r2UploadId: multipart.uploadId,
    filename: request.filename,
    // Replaced by the sniffed type when part 1 arrives.
    contentType: request.contentType ?? "application/octet-stream",
    ...fields,
  });
  return { id, partSize, partCount: Math.ceil(request.size / partSize) };
}

/**
 * Stores one part. The first part decides what the file is: one that is not a supported document aborts the
 * whole upload with 415, before the rest is sent.
 */
export async function uploadPart(
  { db, bucket }: UploadStorage,
  part: { tenantId: string; uploadId: string; partNumber: number; body: Uint8Array },
): Promise<{ partNumber: number; etag: string }> {
  const upload = requireOpen(await findUpload(db, part.tenantId, part.uploadId));
  if (part.body.byteLength === 0) throw new AppError("invalid_request", "A part must not be empty");
  const multipart = bucket.resumeMultipartUpload(upload.r2Key, upload.r2UploadId);

  if (part.partNumber === 1) {
    const contentType = await sniffOrAbort(db, upload, multipart, part.body);
    if (contentType !== upload.contentType) await setUploadContentType(db, upload.id, contentType);
  }

  const uploaded = await multipart.uploadPart(part.partNumber, part.body);
  return { partNumber: uploaded.partNumber, etag: uploaded.etag };
}

// A refused file is aborted at once, so the rest is never sent and its parts do not linger in R2.
async function sniffOrAbort(
  db: Db,
  upload: UploadRow,
  multipart: R2MultipartUpload,
  firstPart: Uint8Array,
): Promise<SupportedContentType> {
  try {
    return acceptDocumentContent({ head: firstPart, filename: upload.filename, declaredType: upload.contentType });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await multipart.abort();
    await setUploadStatus(db, upload.id, "aborted");
    throw new AppError(error.code, `${error.message}; the upload was aborted`);
  }
}

/**
 * Assembles the parts into the file and submits it for ingestion. The parts must be 1..n without gaps and add
 * up to the size the upload was created for; otherwise the upload is aborted with a message naming the problem.
 */
export async function completeMultipartUpload(
  deps: SubmitDependencies,
  request: { tenantId: string; uploadId: string; parts: R2UploadedPart[] },
  maxFileBytes: number,
): Promise<DocumentRow> {
  const { db, bucket } = deps;
  const upload = requireOpen(await findUpload(db, request.tenantId, request.uploadId));
  const parts = inOrderWithoutGaps(request.parts);

  // A retry after a failure past this point finds the object already assembled.
  const object =
    (await bucket.head(upload.r2Key)) ??
    (await bucket
      .resumeMultipartUpload(upload.r2Key, upload.r2UploadId)
      .complete(parts)
      .catch((error: unknown) => {
        throw completionError(error);
      }));

  const declaredSize = Number(object.customMetadata?.[declaredSizeKey]);
  const limit = [fileLimit(maxFileBytes), ...typeLimitOf(upload.contentType)].find(
    (candidate) => object.size > candidate.maxBytes,
  );
  if (limit !== undefined || object.size !== declaredSize) {
    await bucket.delete(upload.r2Key);
    await setUploadStatus(db, upload.id, "aborted");
    if (limit !== undefined) {
      throw new AppError("payload_too_large", `${sizeLimitMessage(limit, upload.filename)}; the upload was aborted`);
    }
    throw new AppError(
      "invalid_request",
      `The parts add up to ${object.size} bytes, not the ${declaredSize} the upload was created for ` +
        "(is a part missing?); the upload was aborted, so start a new one",
    );
  }

  const { document } = await submitDocument(deps, {
    tenantId: upload.tenantId,
    documentId: upload.documentId,
    title: upload.title,
    titleSource: upload.titleSource,
    contentType: upload.contentType,
    externalId: upload.externalId,
    collection: upload.collection,
    source: "upload",
    stored: { r2Key: upload.r2Key, size: object.size, sha256: await objectSha256(bucket, upload.r2Key) },
  });
  await setUploadStatus(db, upload.id, "completed");
  return document;
}

/** Aborts an open upload and drops its parts; aborting again is harmless, a completed upload is a conflict. */
export async function abortMultipartUpload(
  { db, bucket }: UploadStorage,
  request: { tenantId: string; uploadId: string },
): Promise<void> {
  const upload = await findUpload(db, request.tenantId, request.uploadId);
  if (!upload) throw notFound("Upload");
  if (upload.status === "completed") {
    throw new AppError("conflict", "The upload is already complete; delete the document instead");
  }
  if (upload.status === "open") {
    await bucket.resumeMultipartUpload(upload.r2Key, upload.r2UploadId).abort();
    await setUploadStatus(db, upload.id, "aborted");
  }
}

// The sniffed type of the upload's first part; a type no file was sniffed as yet has no limit of its own.
function typeLimitOf(contentType: string): SizeLimit[] {
  return isSupportedContentType(contentType) ? [documentTypeLimit(contentType)] : [];
}

function requireOpen(upload: UploadRow | undefined): UploadRow {
  if (!upload) throw notFound("Upload");
  if (upload.status !== "open") throw new AppError("conflict", `The upload is ${upload.status}, no longer open`);
  return upload;
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
