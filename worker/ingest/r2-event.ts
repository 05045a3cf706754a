import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { findDocumentByExternalId, updateDocument } from "../db/documents";
import { documents, tenants } from "../db/schema";
import { newId } from "../lib/ids";
import { objectSha256 } from "../lib/sha256";
import { detectContentType, maxSniffBytes } from "../rag/parse/supported-types";
import type { IngestDependencies } from "./ingest-dependencies";
import { parseInboxKey } from "./object-keys";
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
  const tenant = await db.select().from(tenants).where(eq(tenants.id, inbox.tenantId)).get();
  if (!tenant) {
    console.warn("Ignoring an inbox file for an unknown tenant", event.object.key);
    return;
  }

  if (deletions.has(event.action)) {
    const document = await findDocumentByExternalId(db, inbox.tenantId, inbox.path);
    if (document?.source !== "r2") return;
    await updateDocument(db, document.id, { status: "deleting" });
    await deps.queue.send({ type: "delete", tenantId: inbox.tenantId, documentId: document.id });
    return;
  }
  if (!creations.has(event.action)) return;

  const head = await deps.bucket.get(event.object.key, { range: { offset: 0, length: maxSniffBytes } });
  if (!head) return;
  const filename = inbox.path.split("/").at(-1) ?? inbox.path;
  const title = filename.replace(/\.[^.]+$/, "") || filename;
  const contentType = detectContentType({
    head: new Uint8Array(await head.arrayBuffer()),
    filename,
    declaredType: head.httpMetadata?.contentType ?? null,
  });
  const rejection = !contentType
    ? "Unsupported file type: send text, Markdown, HTML, PDF, DOCX, CSV or JSON"
    : head.size > deps.maxFileBytes
      ? `The file is larger than ${Math.floor(deps.maxFileBytes / 1024 / 1024)} MB`
      : null;
  if (rejection || !contentType) {
    await recordRejectedFile(
      deps,
      { tenantId: inbox.tenantId, path: inbox.path, key: event.object.key, title },
      rejection,
    );
    return;
  }

  await submitDocument(deps, {
    tenantId: inbox.tenantId,
    title,
    contentType,
    externalId: inbox.path,
    collection: "default",
    source: "r2",
    stored: { r2Key: event.object.key, size: head.size, sha256: await objectSha256(deps.bucket, event.object.key) },
  });
}

async function recordRejectedFile(
  { db }: IngestDependencies,
  file: { tenantId: string; path: string; key: string; title: string },
  reason: string | null,
): Promise<void> {
  const existing = await db
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.tenantId, file.tenantId), eq(documents.externalId, file.path)))
    .get();
  const fields = { status: "failed" as const, error: reason, r2Key: file.key, updatedAt: new Date() };
  if (existing) {
    await db.update(documents).set(fields).where(eq(documents.id, existing.id));
    return;
  }
  await db.insert(documents).values({
    id: newId(),
    tenantId: file.tenantId,
    externalId: file.path,
    title: file.title,
    source: "r2",
    contentType: "application/octet-stream",
    size: 0,
    sha256: "",
    ...fields,
  });
}
