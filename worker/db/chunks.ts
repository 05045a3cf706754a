import { and, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import type { ChunkScope, ChunkSearch } from "../rag/chunk-search";
import type { Db } from "./client";
import { informativeMatch, orPhrases } from "./informative-match";
import { chunks, documents } from "./schema";

/** Every vector id a document has in the index, over all its versions. */
export async function documentVectorIds(db: Db, documentId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ vectorId: chunks.vectorId })
    .from(chunks)
    .where(eq(chunks.documentId, documentId));
  return rows.map((row) => row.vectorId);
}

/** The chunk search port of hybrid retrieval, on D1's `chunks` table and its FTS5 index. */
export function createChunkSearch(db: Db): ChunkSearch {
  return {
    async searchFullText(tenantId, match, options) {
      const { title, headingPath, text } = options.weights;
      // CROSS JOIN keeps the full-text index the outer loop: SQLite may otherwise scan the index once per chunk of the
      // tenant.
      const ranked = (expression: SQL) => sql`
        SELECT c.vector_id AS id
        FROM chunks_fts
        CROSS JOIN chunks AS c ON c.seq = chunks_fts.rowid
        JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
        WHERE chunks_fts MATCH ${expression} AND c.tenant_id = ${tenantId}${scopeCondition(options.scope)}
        ORDER BY bm25(chunks_fts, ${title}, ${headingPath}, ${text})
        LIMIT ${options.limit}`;
      const rankedIds = async (expression: SQL) =>
        (await db.all<{ id: string }>(ranked(expression))).map((row) => row.id);

      // Phrases in half the chunks or more are left out of the match (see `informativeMatch`), which keeps the order
      // of the chunks an informative phrase matches, but for near-ties. When fewer than `limit` of those are in
      // scope, the ranking goes on into chunks that only the left-out phrases match, which only the whole match
      // ranks: a second round trip, for a query that finds that little.
      const phrases = orPhrases(match);
      if (phrases === null || new Set(phrases).size < 2) return rankedIds(sql`${match}`);
      // The informative phrases' ranking, then one row more: whether a phrase was left out.
      const rows = await db.all<{ id: string | null; narrowed: number | null }>(sql`
        WITH ${informativeMatch(phrases)}
        SELECT id, NULL AS narrowed FROM (${ranked(sql`(SELECT coalesce(informative, ${match}) FROM informative_match)`)})
        UNION ALL
        SELECT NULL, narrowed FROM informative_match`);
      const ids = rows.flatMap((row) => (row.id === null ? [] : [row.id]));
      const narrowed = rows.some((row) => row.narrowed === 1);
      return narrowed && ids.length < options.limit ? rankedIds(sql`${match}`) : ids;
    },

    async hydrate(tenantId, ids, scope) {
      // The tenant, the collection, the excluded collections and each filter document id take a parameter too (the
      // contract allows 50 ids).
      const sliceSize = platformLimits.d1.boundParameters - 3 - (scope.documentIds?.length ?? 0);
      const loaded = await Promise.all(
        inGroups(ids, sliceSize).map((slice) => hydrationQuery(db, tenantId, slice, scope)),
      );
      return loaded.flat();
    },
  };
}

/**
 * The chunks with these ids (at most a statement's worth of parameters), as {@link ChunkSearch.hydrate} returns them.
 * The tenant condition is written `+tenant_id` so that SQLite finds the rows through the vector-id index: without
 * statistics it prefers the tenant's index for an equality, which reads every chunk of the tenant (25 ms for 40 ids at
 * 5,800 chunks, and growing with the tenant) where the vector-id index reads the 40 (0.3 ms).
 */
export function hydrationQuery(db: Db, tenantId: string, ids: string[], scope: ChunkScope) {
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
    .where(
      and(
        sql`+${chunks.tenantId} = ${tenantId}`,
        inArray(chunks.vectorId, ids),
        scope.collection === undefined ? undefined : eq(documents.collection, scope.collection),
        scope.documentIds === undefined ? undefined : inArray(chunks.documentId, scope.documentIds),
        scope.excludedCollections.length === 0
          ? undefined
          : outsideCollections(documents.collection, scope.excludedCollections),
      ),
    );
}

// Appended to a WHERE clause over `chunks AS c` joined with `documents AS d`.
function scopeCondition(scope: ChunkScope): SQL {
  const conditions: SQL[] = [];
  if (scope.collection !== undefined) conditions.push(sql` AND d.collection = ${scope.collection}`);
  if (scope.documentIds !== undefined) {
    conditions.push(
      sql` AND c.document_id IN (${sql.join(
        scope.documentIds.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  if (scope.excludedCollections.length > 0) {
    conditions.push(sql` AND ${outsideCollections(sql`d.collection`, scope.excludedCollections)}`);
  }
  return sql.join(conditions);
}

// The excluded collections are one JSON parameter, however many there are.
function outsideCollections(collection: SQLWrapper, excluded: readonly string[]): SQL {
  return sql`${collection} NOT IN (SELECT value FROM json_each(${JSON.stringify(excluded)}))`;
}
