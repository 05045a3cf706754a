import type { Db } from "../db/client";
import { type DocumentRow, findDocumentByExternalId } from "../db/documents";
import { documents } from "../db/schema";
import { newId } from "../lib/ids";
import { sha256Hex } from "../lib/sha256";
import type { IngestMessage } from "./ingest-message";

export interface SubmitDependencies {
  db: Db;
  bucket: R2Bucket;
  queue: Pick<Queue<IngestMessage>, "send">;
}

export interface DocumentSubmission {
  tenantId: string;
  title: string;
  body: Uint8Array;
  contentType: string;
  externalId: string | null;
  collection: string;
  source: "upload" | "batch";
}

/**
 * Stores the file in R2 and queues a new version for ingestion. A submission with a known external id
 * updates that document; unchanged bytes (same SHA-256) are not queued again.
 */
export async function submitDocument(
  { db, bucket, queue }: SubmitDependencies,
  submission: DocumentSubmission,
): Promise<{ document: DocumentRow; changed: boolean }> {
  const sha256 = await sha256Hex(submission.body);
  const existing = submission.externalId
    ? await findDocumentByExternalId(db, submission.tenantId, submission.externalId)
    : undefined;
  const unchanged =
    existing && existing.sha256 === sha256 && existing.title === submission.title && existing.status !== "failed";
  if (existing && unchanged) return { document: existing, changed: false };

  const id = existing?.id ?? newId();
  const version = (existing?.version ?? 0) + 1;
  const r2Key = `${submission.tenantId}/${id}/v${version}`;
  await bucket.put(r2Key, submission.body, {
    httpMetadata: { contentType: submission.contentType },
    sha256,
    customMetadata: { tenantId: submission.tenantId, documentId: id, version: String(version) },
  });

  const fields = {
    title: submission.title,
    collection: submission.collection,
    source: submission.source,
    r2Key,
    contentType: submission.contentType,
    size: submission.body.byteLength,
    sha256,
    version,
    status: "queued" as const,
    chunksDone: 0,
    error: null,
    updatedAt: new Date(),
  };
  const [document] = await db
    .insert(documents)
    .values({ id, tenantId: submission.tenantId, externalId: submission.externalId, chunksTotal: 0, ...fields })
    .onConflictDoUpdate({ target: documents.id, set: fields })
    .returning();
  if (!document) throw new Error(`Document ${id} was not written`);

  await queue.send({ type: "ingest", tenantId: submission.tenantId, documentId: id, version });
  return { document, changed: true };
}
