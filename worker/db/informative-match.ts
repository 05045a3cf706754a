import { type SQL, sql } from "drizzle-orm";

// An FTS5 string: quoted, with any `"` inside doubled.
const ftsString = /"(?:[^"]|"")*"/g;
const orOfFtsStrings = /^"(?:[^"]|"")*"(?: OR "(?:[^"]|"")*")*$/;

/** The strings of a MATCH expression that is only FTS5 strings joined by OR (as `fts-query.ts` writes), else null. */
export function orPhrases(match: string): string[] | null {
  return orOfFtsStrings.test(match) ? Array.from(match.matchAll(ftsString), (found) => found[0]) : null;
}

/**
 * CTEs ending in `informative_match`, one row: `informative`, the MATCH expression of the phrases (in their order,
 * repeats kept) that fewer than half the rows of the full-text index contain, or null when none is that rare; and
 * `narrowed`, 1 when it left some phrase out but not all.
 *
 * Why: FTS5's bm25() gives a phrase found in half the rows or more an idf of 1e-6 (its floor), yet scores every row
 * the phrase matches, which is most of a query's time when a word is in every chunk (as "site" is in every section of
 * `bench:search`'s handbooks). Without those phrases each score moves by their floor-weighted share only, far less than
 * any informative phrase adds, so the rows the informative phrases match keep their order and all rank before the
 * rows that only the left-out phrases match; `narrowed` says when that tail exists.
 *
 * The counts are the ones bm25() uses: of rows matching the phrase in the whole index (every tenant), against the
 * index's own row count (a row of its `docsize` table per row indexed). A count stops at half the rows.
 */
export function informativeMatch(phrases: readonly string[]): SQL {
  return sql`
    phrase AS (SELECT key AS position, value FROM json_each(${JSON.stringify(phrases)})),
    indexed AS MATERIALIZED (SELECT count(*) AS total FROM chunks_fts_docsize),
    phrase_rows AS MATERIALIZED (
      SELECT value, (
        SELECT count(*)
        FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH value LIMIT (SELECT (total + 1) / 2 FROM indexed))
      ) AS matched
      FROM (SELECT DISTINCT value FROM phrase)
    ),
    informative_match AS MATERIALIZED (
      SELECT
        group_concat(p.value, ' OR ' ORDER BY p.position) FILTER (WHERE 2 * r.matched < i.total) AS informative,
        count(*) FILTER (WHERE 2 * r.matched < i.total) > 0 AND count(*) FILTER (WHERE 2 * r.matched >= i.total) > 0
          AS narrowed
      FROM phrase AS p JOIN phrase_rows AS r ON r.value = p.value CROSS JOIN indexed AS i
    )`;
}
