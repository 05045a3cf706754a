import { and, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import type { ChunkScope, ChunkSearch } from "../rag/chunk-search";
import type { Db } from "./client";
import { fullTextShare } from "./full-text-share";
import { tenantMatchPrefix } from "./full-text-tenant";
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

/**
 * A tenant with at least this share of the full-text index is ranked without naming it in the MATCH (see
 * `searchFullText`): of the best 2 × limit rows, about a tenth or fewer are then another tenant's.
 */
const mostOfTheIndex = 0.9;

/** The chunk search port of hybrid retrieval, on D1's `chunks` table and its FTS5 index. */
export function createChunkSearch(db: Db): ChunkSearch {
  return {
    async searchFullText(tenantId, match, options) {
      const { limit, scope } = options;
      // The MATCH names the tenant, so FTS5 scores that tenant's rows only (see migration 0014); the tenant column
      // weighs nothing in bm25().
      const score = sql`bm25(chunks_fts, ${options.weights.title}, ${options.weights.headingPath}, ${options.weights.text}, 0)`;
      const withinTenant = (expression: SQL) => sql`(${tenantMatchPrefix(tenantId)} || ${expression} || ')')`;
      // The chunk of each full-text row (`seq`: its rowid) and its document, kept when the chunk is the tenant's, of
      // the document's active version and in scope. CROSS JOIN keeps the full-text rows the outer loop: SQLite may
      // otherwise scan the index once per chunk of the tenant.
      const inScope = (seq: SQL) => sql`
        CROSS JOIN chunks AS c ON c.seq = ${seq}
        JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
        WHERE c.tenant_id = ${tenantId}${scopeCondition(scope)}`;
      // Joined before the limit: exact for any scope, and what the other forms fall back to.
      const joined = (expression: SQL) => sql`
        SELECT c.vector_id AS id
        FROM chunks_fts ${inScope(sql`chunks_fts.rowid`)} AND chunks_fts MATCH ${withinTenant(expression)}
        ORDER BY ${score}
        LIMIT ${limit}`;
      const joinedIds = async () => (await db.all<{ id: string }>(joined(sql`${match}`))).map((row) => row.id);

      // Phrases in half the chunks or more are left out of the match (see `informativeMatch`), which keeps the order
      // of the chunks an informative phrase matches, but for near-ties. When fewer than `limit` of those are in
      // scope, the ranking goes on into chunks that only the left-out phrases match, which only the whole match
      // ranks: a second round trip, for a query that finds that little.
      const phrases = orPhrases(match);
      const narrowing = phrases !== null && new Set(phrases).size >= 2 ? informativeMatch(phrases) : null;
      const expression = narrowing
        ? sql`(SELECT coalesce(informative, ${match}) FROM informative_match)`
        : sql`${match}`;
      const ctes: SQL[] = narrowing ? [narrowing] : [];
      const tail: SQL[] = narrowing ? [sql`SELECT NULL, narrowed, NULL FROM informative_match`] : [];

      // Unless a filter narrows the search to some collection or documents, the tenant's best rows are ranked on the
      // index alone and only they are joined: twice the limit, of which a row of a version not (or no longer) active,
      // or of a collection the caller may not read, is dropped. The ranking is exact unless more than `limit` of them
      // were dropped; then, as when phrases were left out and too few rows remain, the joined form ranks the whole
      // match. (A filter would drop most of them, so it goes to the joined form at once.)
      //
      // A tenant that holds most of the index (the only one of a deployment, or one far larger than the rest) is not
      // named in that MATCH: its token is in nearly every row, so naming it only costs (FTS5 intersects every match
      // with it and bm25() reads all of it for its idf: a quarter of the statement at 100,000 chunks), and the other
      // tenants' few rows among the best are dropped by the join as inactive ones are, with the same fallback.
      const prefixRows = 2 * limit;
      let ranking = joined(expression);
      if (scope.collection === undefined && scope.documentIds === undefined) {
        const prefixMatch =
          (await fullTextShare(db, tenantId)) >= mostOfTheIndex ? expression : withinTenant(expression);
        ctes.push(sql`prefix AS MATERIALIZED (
          SELECT rowid AS seq, ${score} AS score FROM chunks_fts
          WHERE chunks_fts MATCH ${prefixMatch} ORDER BY score LIMIT ${prefixRows})`);
        ranking = sql`
          SELECT c.vector_id AS id
          FROM prefix ${inScope(sql`prefix.seq`)}
          ORDER BY prefix.score
          LIMIT ${limit}`;
        tail.push(sql`SELECT NULL, NULL, count(*) FROM prefix`);
      }
      if (ctes.length === 0) return joinedIds();
      // The ranking, then a row for each thing that may call for the joined form.
      const rows = await db.all<{ id: string | null; narrowed: number | null; prefixRows: number | null }>(sql`
        WITH ${sql.join(ctes, sql`, `)}
        SELECT id, NULL AS narrowed, NULL AS prefixRows FROM (${ranking})
        ${sql.join(
          tail.map((row) => sql`UNION ALL ${row}`),
          sql` `,
        )}`);
      const ids = rows.flatMap((row) => (row.id === null ? [] : [row.id]));
      const narrowed = rows.some((row) => row.narrowed === 1);
      const prefixFull = rows.some((row) => row.prefixRows === prefixRows);
      return (narrowed || prefixFull) && ids.length < limit ? joinedIds() : ids;
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
