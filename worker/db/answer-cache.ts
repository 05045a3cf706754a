import { and, desc, eq, inArray, notInArray, or, sql } from "drizzle-orm";
import type { Db } from "./client";
import { answerCache, answerCacheBands, documents } from "./schema";

/** A document an answer drew on, as it was when the answer was written. */
export interface CachedDocument {
  id: string;
  version: number;
  collection: string;
}

/** How to recognise a question among a tenant's cached answers. */
export interface AnswerCacheLookup {
  tenantId: string;
  questionHash: string;
  bands: readonly string[];
}

/** A cached answer that may fit the question: `valid` is false once a document it drew on has changed. */
export interface AnswerCacheCandidate {
  id: string;
  scopeKey: string;
  questionHash: string;
  terms: string[];
  answer: unknown;
  valid: boolean;
}

/** A new cache entry. */
export interface AnswerCacheEntry extends AnswerCacheLookup {
  id: string;
  scopeKey: string;
  terms: string[];
  answer: unknown;
  documents: CachedDocument[];
}

// A cited document has changed when it is gone, being deleted, has a newer version (indexed or not), or moved to
// another collection (whose readers differ).
// Written out with qualified names: drizzle leaves the columns of a one-table select unqualified, which the join
// inside would make ambiguous.
const entryIsCurrent = sql<number>`not exists (
  select 1 from json_each("answer_cache"."documents") as cited
  left join "documents" as current on current."id" = json_extract(cited.value, '$.id')
    and current."tenant_id" = "answer_cache"."tenant_id"
  where current."id" is null
    or current."status" = 'deleting'
    or current."version" != json_extract(cited.value, '$.version')
    or current."active_version" is not json_extract(cited.value, '$.version')
    or current."collection" != json_extract(cited.value, '$.collection')
)`;

/**
 * The tenant's newest cached answers whose question is the same (by hash) or shares a MinHash band, in every scope
 * (so the query need not wait for the asker's scope), each with whether its documents are unchanged: one D1 query.
 */
export async function answerCacheCandidates(
  db: Db,
  lookup: AnswerCacheLookup,
  limit: number,
): Promise<AnswerCacheCandidate[]> {
  const sharesBand = db
    .select({ entryId: answerCacheBands.entryId })
    .from(answerCacheBands)
    .where(and(eq(answerCacheBands.tenantId, lookup.tenantId), inArray(answerCacheBands.band, [...lookup.bands])));
  const rows = await db
    .select({
      id: answerCache.id,
      scopeKey: answerCache.scopeKey,
      questionHash: answerCache.questionHash,
      terms: answerCache.terms,
      answer: answerCache.answer,
      current: entryIsCurrent,
    })
    .from(answerCache)
    .where(
      and(
        eq(answerCache.tenantId, lookup.tenantId),
        lookup.bands.length > 0
          ? or(eq(answerCache.questionHash, lookup.questionHash), inArray(answerCache.id, sharesBand))
          : eq(answerCache.questionHash, lookup.questionHash),
      ),
    )
    .orderBy(desc(answerCache.createdAt))
    .limit(limit);
  return rows.map(({ current, ...row }) => ({ ...row, valid: current === 1 }));
}

/**
 * The versions and collections of the tenant's documents `ids`, or null when any of them is missing or changing (a
 * newer version being ingested, a deletion): an answer drawn from those could not be told apart from its successor.
 */
export async function settledDocuments(
  db: Db,
  tenantId: string,
  ids: readonly string[],
): Promise<CachedDocument[] | null> {
  const unique = [...new Set(ids)];
  const rows = await db
    .select({
      id: documents.id,
      version: documents.version,
      activeVersion: documents.activeVersion,
      collection: documents.collection,
      status: documents.status,
    })
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), inArray(documents.id, unique)));
  const settled = rows.flatMap((row) =>
    row.status !== "deleting" && row.activeVersion === row.version
      ? [{ id: row.id, version: row.version, collection: row.collection }]
      : [],
  );
  return settled.length === unique.length ? settled : null;
}

/**
 * Stores an entry in place of any earlier one for the same question in the same scope, and keeps only the tenant's
 * newest `maxEntries` (their bands go with them).
 */
export async function putAnswerCacheEntry(db: Db, entry: AnswerCacheEntry, maxEntries: number): Promise<void> {
  const { tenantId, scopeKey } = entry;
  const newest = db
    .select({ id: answerCache.id })
    .from(answerCache)
    .where(eq(answerCache.tenantId, tenantId))
    .orderBy(desc(answerCache.createdAt))
    .limit(maxEntries);
  const bands = entry.bands.map((band) => ({ entryId: entry.id, tenantId, band }));
  await db.batch([
    db
      .delete(answerCache)
      .where(
        and(
          eq(answerCache.tenantId, tenantId),
          eq(answerCache.scopeKey, scopeKey),
          eq(answerCache.questionHash, entry.questionHash),
        ),
      ),
    db.insert(answerCache).values({
      id: entry.id,
      tenantId,
      scopeKey,
      questionHash: entry.questionHash,
      terms: entry.terms,
      answer: entry.answer,
      documents: entry.documents,
    }),
    ...(bands.length > 0 ? [db.insert(answerCacheBands).values(bands)] : []),
    db.delete(answerCache).where(and(eq(answerCache.tenantId, tenantId), notInArray(answerCache.id, newest))),
  ]);
}

/** Drops the tenant's entries `ids` (answers whose documents changed). */
export async function deleteAnswerCacheEntries(db: Db, tenantId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(answerCache).where(and(eq(answerCache.tenantId, tenantId), inArray(answerCache.id, [...ids])));
}
