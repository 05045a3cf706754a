import { z } from "zod";
import { findDocumentByExternalId, recordRefusedFile } from "../db/documents";
import { findTenant } from "../db/tenants";
import { AppError } from "../lib/app-error";
import { objectSha256 } from "../lib/sha256";
import { acceptDocument, documentHeadBytes, fileLimit } from "./accept-document";
import { titleFromFilename } from "./document-title";
import type { IngestDependencies } from "./ingest-dependencies";
import { parseInboxKey } from "./object-keys";
import { requestDeletion } from "./request-deletion";
import { submitDocument } from "./submit-document";

/** An R2 event notification, as the bucket sends it to the ingest queue for objects under `inbox/`. */
export const r2EventSchema = z.object({
  account: z.string(),
  bucket: z.string(),
  action: z.string(),
  object: z.object({ key: z.string(), size: z.number().optional(), eTag: z.string().optional() }),
  eventTime: z.string(),
});

export type R2Event = z.infer<typeof r2EventSchema>;

const deletions = new Set(["DeleteObject", "LifecycleDeletion"]);
const creations = new Set(["PutObject", "CopyObject", "CompleteMultipartUpload"]);

/**
 * Files copied into `inbox/<tenant>/…` (rclone, the S3 API) become documents keyed by their path; removing
 * the file deletes the document. A file that can't be ingested is recorded as a failed document with the
 * reason, never dropped silently.
 */
export async function handleR2Event(deps: IngestDependencies, event: R2Event): Promise<void> {
  const inbox = parseInboxKey(event.object.key);
  if (!inbox) return;
  const { db } = deps;
  if (!(await findTenant(db, inbox.tenantId))) {
    console.warn("Ignoring an inbox file for an unknown tenant", event.object.key);
    return;
  }

  if (deletions.has(event.action)) {
    const document = await findDocumentByExternalId(db, inbox.tenantId, inbox.path);
    if (document?.source === "r2") await requestDeletion(deps, document);
    return;
  }
  if (!creations.has(event.action)) return;

  const head = await deps.bucket.get(event.object.key, { range: { offset: 0, length: documentHeadBytes } });
  if (!head) return;
  const filename = inbox.path.split("/").at(-1) ?? inbox.path;
  let accepted: ReturnType<typeof acceptDocument>;
  try {
    accepted = acceptDocument(
      {
        filename,
        size: head.size,
        externalId: inbox.path,
        head: new Uint8Array(await head.arrayBuffer()),
        declaredType: head.httpMetadata?.contentType ?? null,
      },
      fileLimit(deps.maxFileBytes),
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await refuse(deps, { tenantId: inbox.tenantId, path: inbox.path, key: event.object.key, filename }, error);
    return;
  }

  await submitDocument(deps, {
    tenantId: inbox.tenantId,
    ...accepted,
    source: "r2",
    stored: { r2Key: event.object.key, size: head.size, sha256: await objectSha256(deps.bucket, event.object.key) },
  });
}

// A file refused for its path (an external id no document may have) cannot be recorded under that path.
async function refuse(
  { db }: IngestDependencies,
  file: { tenantId: string; path: string; key: string; filename: string },
  error: AppError,
): Promise<void> {
  if (error.code === "invalid_request") {
    console.warn("Ignoring an inbox file whose path cannot be a document's external id", JSON.stringify(file.key));
    return;
  }
  await recordRefusedFile(db, {
    tenantId: file.tenantId,
    externalId: file.path,
    title: titleFromFilename(file.filename),
    source: "r2",
    r2Key: file.key,
    reason: error.message,
  });
}
