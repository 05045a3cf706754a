import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
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

/** BM25 weight of a match in each column of `chunks_fts`, relative to each other. */
export interface FullTextColumnWeights {
  title: number;
  headingPath: number;
  text: number;
}

/** Restricts a search to one collection and/or some documents; an absent field restricts nothing. */
export interface ChunkFilter {
  collection?: string | undefined;
  documentIds?: string[] | undefined;
}

/** Options for {@link searchChunksFullText}. */
export interface FullTextSearchOptions {
  limit: number;
  weights: FullTextColumnWeights;
  filter?: ChunkFilter | undefined;
}

/** Chunk (vector) ids ranked by BM25, best first, among the active versions of a tenant's documents. */
export async function searchChunksFullText(
  db: Db,
  tenantId: string,
  match: string,
  options: FullTextSearchOptions,
): Promise<string[]> {
  const { title, headingPath, text } = options.weights;
  const rows = await db.all<{ id: string }>(sql`
    SELECT c.vector_id AS id
    FROM chunks_fts
    JOIN chunks AS c ON c.seq = chunks_fts.rowid
    JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
    WHERE chunks_fts MATCH ${match} AND c.tenant_id = ${tenantId}${filterCondition(options.filter)}
    ORDER BY bm25(chunks_fts, ${title}, ${headingPath}, ${text})
    LIMIT ${options.limit}`);
  return rows.map((row) => row.id);
}

/**
 * Loads chunks of active versions with their document titles, only within `tenantId` (and `filter`), in no
 * particular order.
 */
export async function hydrateChunks(
  db: Db,
  tenantId: string,
  ids: string[],
  filter: ChunkFilter = {},
): Promise<Array<Omit<RetrievedChunk, "score">>> {
  // The tenant, the collection and each filter document id take a parameter too (the contract allows 50 ids).
  const sliceSize = platformLimits.d1.boundParameters - 2 - (filter.documentIds?.length ?? 0);
  const loaded = await Promise.all(
    inGroups(ids, sliceSize).map((slice) =>
      db
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
        .where(
          and(
            eq(chunks.tenantId, tenantId),
            inArray(chunks.vectorId, slice),
            filter.collection === undefined ? undefined : eq(documents.collection, filter.collection),
            filter.documentIds === undefined ? undefined : inArray(chunks.documentId, filter.documentIds),
          ),
        ),
    ),
  );
  return loaded.flat();
}

// Appended to a WHERE clause over `chunks AS c` joined with `documents AS d`.
function filterCondition(filter: ChunkFilter | undefined): SQL {
  const conditions: SQL[] = [];
  if (filter?.collection !== undefined) conditions.push(sql` AND d.collection = ${filter.collection}`);
  if (filter?.documentIds !== undefined) {
    conditions.push(
      sql` AND c.document_id IN (${sql.join(
        filter.documentIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  return sql.join(conditions);
}
