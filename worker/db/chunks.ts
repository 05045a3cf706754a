import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { RetrievedChunk } from "../rag/retrieved-chunk";
import type { Db } from "./client";
import { chunks, documents } from "./schema";

export interface ChunkInput {
  id: string;
  ordinal: number;
  headingPath: string;
  text: string;
  contentHash: string;
}

export function listChunkIds(db: Db, documentId: string): Promise<string[]> {
  return db
    .select({ id: chunks.id })
    .from(chunks)
    .where(eq(chunks.documentId, documentId))
    .then((rows) => rows.map((row) => row.id));
}

/**
 * Switches a document to `version` in one transaction: older versions' rows are replaced by `rows` and the
 * document is marked ready. Searches see the old version or the new one, never a mix.
 */
export async function commitDocumentVersion(
  db: Db,
  document: { id: string; tenantId: string; version: number; embeddingModel: string },
  rows: ChunkInput[],
): Promise<void> {
  const writes = rows.map((row) =>
    db
      .insert(chunks)
      .values({ ...row, tenantId: document.tenantId, documentId: document.id, version: document.version })
      .onConflictDoUpdate({
        target: chunks.id,
        set: { version: document.version, ordinal: row.ordinal, headingPath: row.headingPath, text: row.text },
      }),
  );
  await db.batch([
    db.delete(chunks).where(and(eq(chunks.documentId, document.id), lt(chunks.version, document.version))),
    ...writes,
    db
      .update(documents)
      .set({
        status: "ready",
        chunksTotal: rows.length,
        chunksDone: rows.length,
        error: null,
        embeddingModel: document.embeddingModel,
        updatedAt: new Date(),
      })
      .where(and(eq(documents.id, document.id), eq(documents.version, document.version))),
  ]);
}

/** Chunk ids ranked by BM25 (best first) for an already-escaped FTS5 MATCH expression. */
export async function searchChunksFullText(db: Db, tenantId: string, match: string, limit: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    SELECT c.id AS id
    FROM chunks_fts
    JOIN chunks AS c ON c.seq = chunks_fts.rowid
    WHERE chunks_fts MATCH ${match} AND c.tenant_id = ${tenantId}
    ORDER BY bm25(chunks_fts, 2.0, 1.0)
    LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** Loads chunks with their document titles, only within `tenantId`, in no particular order. */
export async function hydrateChunks(
  db: Db,
  tenantId: string,
  ids: string[],
): Promise<Array<Omit<RetrievedChunk, "score">>> {
  if (ids.length === 0) return [];
  return db
    .select({
      chunkId: chunks.id,
      documentId: chunks.documentId,
      externalId: documents.externalId,
      title: documents.title,
      headingPath: chunks.headingPath,
      text: chunks.text,
    })
    .from(chunks)
    .innerJoin(documents, eq(documents.id, chunks.documentId))
    .where(and(eq(chunks.tenantId, tenantId), inArray(chunks.id, ids)));
}
