import { type EmbeddingModel, embedMany } from "ai";
import { eq, sql } from "drizzle-orm";
import { type ChunkInput, commitDocumentVersion, listChunkIds } from "../db/chunks";
import type { Db } from "../db/client";
import { type DocumentRow, updateDocument } from "../db/documents";
import { documents, ingestJobs } from "../db/schema";
import { sha256Hex } from "../lib/sha256";
import { chunkDocument } from "../rag/chunk";
import { parseDocument } from "../rag/parse-document";
import type { VectorIndex } from "../vector/vector-index";
import type { IngestMessage } from "./ingest-message";

export interface IngestDependencies {
  db: Db;
  bucket: R2Bucket;
  vectorIndex: VectorIndex;
  embedding: EmbeddingModel;
  embeddingModelId: string;
}

/** An ingestion failure whose message is written on the document for admins to read. */
export class IngestError extends Error {
  override name = "IngestError";
}

const embeddingBatchSize = 96;

/**
 * Runs one document version through parse → chunk → embed → upsert → commit. Idempotent: vector ids are
 * derived from content, chunks already indexed for this document are not embedded again, and a message
 * for a version that is no longer current is dropped.
 */
export async function ingestDocument(deps: IngestDependencies, message: IngestMessage): Promise<"ingested" | "stale"> {
  const { db } = deps;
  const document = await db.select().from(documents).where(eq(documents.id, message.documentId)).get();
  if (!document || document.tenantId !== message.tenantId || document.version !== message.version) return "stale";
  if (document.status === "ready") return "stale";

  const jobId = `${document.id}:${document.version}`;
  await db
    .insert(ingestJobs)
    .values({
      id: jobId,
      tenantId: document.tenantId,
      documentId: document.id,
      version: document.version,
      status: "processing",
    })
    .onConflictDoUpdate({ target: ingestJobs.id, set: { attempts: sql`${ingestJobs.attempts} + 1` } });
  await updateDocument(db, document.id, { status: "processing" });

  const rows = await chunkRows(document, await readText(deps.bucket, document));
  const previousIds = new Set(await listChunkIds(db, document.id));
  const toEmbed = rows.filter((row) => !previousIds.has(row.id));
  await updateDocument(db, document.id, { chunksTotal: rows.length, chunksDone: rows.length - toEmbed.length });

  for (let start = 0; start < toEmbed.length; start += embeddingBatchSize) {
    const batch = toEmbed.slice(start, start + embeddingBatchSize);
    const { embeddings } = await embedMany({
      model: deps.embedding,
      values: batch.map((row) => embeddingInput(document.title, row)),
      maxRetries: 2,
    });
    await deps.vectorIndex.upsert(
      document.tenantId,
      batch.map((row, index) => ({
        id: row.id,
        values: embeddings[index] ?? [],
        metadata: { documentId: document.id, collection: document.collection },
      })),
    );
    await updateDocument(db, document.id, { chunksDone: rows.length - toEmbed.length + start + batch.length });
  }

  await commitDocumentVersion(
    db,
    { id: document.id, tenantId: document.tenantId, version: document.version, embeddingModel: deps.embeddingModelId },
    rows,
  );
  const currentIds = new Set(rows.map((row) => row.id));
  const removedIds = [...previousIds].filter((id) => !currentIds.has(id));
  if (removedIds.length > 0) await deps.vectorIndex.deleteByIds(document.tenantId, removedIds);
  await deleteOlderFiles(deps.bucket, document);
  await db
    .update(ingestJobs)
    .set({ status: "ready", chunks: rows.length, embedded: toEmbed.length, error: null, finishedAt: new Date() })
    .where(eq(ingestJobs.id, jobId));
  return "ingested";
}

async function readText(bucket: R2Bucket, document: DocumentRow): Promise<string> {
  const object = await bucket.get(document.r2Key);
  if (!object) throw new IngestError("The uploaded file is missing from storage; upload it again");
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await object.arrayBuffer());
  } catch {
    throw new IngestError("The file is not valid UTF-8 text");
  }
}

async function chunkRows(document: DocumentRow, text: string): Promise<ChunkInput[]> {
  const parsed = parseDocument(text, document.contentType);
  const pieces = chunkDocument(parsed.text, { contentType: document.contentType });
  if (pieces.length === 0) throw new IngestError("The document contains no text to index");
  const rows: ChunkInput[] = [];
  const seen = new Set<string>();
  for (const piece of pieces) {
    const contentHash = await sha256Hex(`${document.title}\n${piece.headingPath}\n${piece.text}`);
    // Vector ids must stay within Vectorize's 64 bytes: 22-char document id + ":" + 32 hex chars.
    const id = `${document.id}:${contentHash.slice(0, 32)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    rows.push({ id, ordinal: rows.length, headingPath: piece.headingPath, text: piece.text, contentHash });
  }
  return rows;
}

/** Title and heading path give a short chunk the context a reader would have. */
function embeddingInput(title: string, row: ChunkInput): string {
  return [title, row.headingPath, row.text].filter(Boolean).join("\n");
}

async function deleteOlderFiles(bucket: R2Bucket, document: DocumentRow): Promise<void> {
  const listing = await bucket.list({ prefix: `${document.tenantId}/${document.id}/` });
  const older = listing.objects.map((object) => object.key).filter((key) => key !== document.r2Key);
  if (older.length > 0) await bucket.delete(older);
}
