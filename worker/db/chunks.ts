import { and, eq, inArray, sql } from "drizzle-orm";
import type { RetrievedChunk } from "../rag/retrieved-chunk";
import type { Db } from "./client";
import { chunks, documents } from "./schema";

/** Every vector id a document has in the index, over all its versions. */
export async function documentVectorIds(db: Db, documentId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ vectorId: chunks.vectorId })
    .from(chunks)
    .where(eq(chunks.documentId, documentId));
  return rows.map((row) => row.vectorId);
}

/** Chunk (vector) ids ranked by BM25, best first, among the active versions of a tenant's documents. */
export async function searchChunksFullText(db: Db, tenantId: string, match: string, limit: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(sql`
    SELECT c.vector_id AS id
    FROM chunks_fts
    JOIN chunks AS c ON c.seq = chunks_fts.rowid
    JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
    WHERE chunks_fts MATCH ${match} AND c.tenant_id = ${tenantId}
    ORDER BY bm25(chunks_fts, 2.0, 1.0)
    LIMIT ${limit}`);
  return rows.map((row) => row.id);
}

/** Loads chunks of active versions with their document titles, only within `tenantId`, in no particular order. */
export async function hydrateChunks(
  db: Db,
  tenantId: string,
  ids: string[],
): Promise<Array<Omit<RetrievedChunk, "score">>> {
  if (ids.length === 0) return [];
  return db
    .select({
      chunkId: chunks.vectorId,
      documentId: chunks.documentId,
      externalId: documents.externalId,
      title: documents.title,
      headingPath: chunks.headingPath,
      page: chunks.page,
      text: chunks.text,
    })
    .from(chunks)
    .innerJoin(documents, and(eq(documents.id, chunks.documentId), eq(chunks.version, documents.activeVersion)))
    .where(and(eq(chunks.tenantId, tenantId), inArray(chunks.vectorId, ids)));
}
