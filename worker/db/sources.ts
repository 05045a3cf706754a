import { and, desc, eq, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { SourceSyncView, SourceView } from "../contract";
import { newId } from "../lib/ids";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement } from "../lib/platform-limits";
import type { Db } from "./client";
import { documents, sourceSyncs, sources } from "./schema";

export type SourceRow = typeof sources.$inferSelect;
export type SourceSyncRow = typeof sourceSyncs.$inferSelect;

/** Syncs that have not ended: a source runs one at a time. */
const runningStatuses = ["discovering", "fetching"] as const;

export function toSourceView(row: SourceRow, lastSync: SourceSyncRow | null): SourceView {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    collection: row.collection,
    pathPrefix: row.pathPrefix,
    pageLimit: row.pageLimit,
    syncEveryMinutes: row.syncEveryMinutes,
    nextSyncAt: row.nextSyncAt.toISOString(),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastSync: lastSync ? toSourceSyncView(lastSync) : null,
  };
}

export function toSourceSyncView(row: SourceSyncRow): SourceSyncView {
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    pagesFound: row.pagesFound,
    checked: row.checked,
    unchanged: row.unchanged,
    changed: row.changed,
    added: row.added,
    removed: row.removed,
    failed: row.failed,
    failures: row.failures,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function insertSource(db: Db, row: typeof sources.$inferInsert) {
  return db.insert(sources).values(row).returning();
}

export function findSource(db: Db, tenantId: string, id: string): Promise<SourceRow | undefined> {
  return db
    .select()
    .from(sources)
    .where(and(eq(sources.tenantId, tenantId), eq(sources.id, id)))
    .get();
}

export function listSources(db: Db, tenantId: string, limit = 200): Promise<SourceRow[]> {
  return db.select().from(sources).where(eq(sources.tenantId, tenantId)).orderBy(desc(sources.createdAt)).limit(limit);
}

export function countSources(db: Db, tenantId: string): Promise<number> {
  return db.$count(sources, eq(sources.tenantId, tenantId));
}

export function deleteSourceStatement(db: Db, id: string) {
  return db.delete(sources).where(eq(sources.id, id));
}

/** The newest sync of each of these sources. */
export async function latestSyncs(db: Db, sourceIds: string[]): Promise<Map<string, SourceSyncRow>> {
  const latest = new Map<string, SourceSyncRow>();
  for (const group of inGroups(sourceIds, idsPerStatement)) {
    const rows = await db
      .select()
      .from(sourceSyncs)
      .where(
        and(
          inArray(sourceSyncs.sourceId, group),
          sql`${sourceSyncs.startedAt} = (SELECT max(started_at) FROM source_syncs AS newer WHERE newer.source_id = ${sourceSyncs.sourceId})`,
        ),
      );
    for (const row of rows) latest.set(row.sourceId, row);
  }
  return latest;
}

export function listSourceSyncs(db: Db, sourceId: string, limit: number): Promise<SourceSyncRow[]> {
  return db
    .select()
    .from(sourceSyncs)
    .where(eq(sourceSyncs.sourceId, sourceId))
    .orderBy(desc(sourceSyncs.startedAt))
    .limit(limit);
}

export function findSourceSync(db: Db, id: string): Promise<SourceSyncRow | undefined> {
  return db.select().from(sourceSyncs).where(eq(sourceSyncs.id, id)).get();
}

/**
 * Starts a sync of `source` unless one is running: the sync row (status `discovering`, its outbox clock at `now`) is
 * written in one statement that checks, so two starts at once never both succeed. Returns the new sync, or null.
 */
export async function startSync(
  db: Db,
  source: Pick<SourceRow, "id" | "tenantId">,
  trigger: SourceSyncRow["trigger"],
  now: Date,
): Promise<SourceSyncRow | null> {
  const id = newId();
  const running = sql.raw(runningStatuses.map((status) => `'${status}'`).join(", "));
  await db.run(sql`
    INSERT INTO ${sourceSyncs} (id, tenant_id, source_id, trigger, status, pending_at, started_at)
    SELECT ${id}, ${source.tenantId}, ${source.id}, ${trigger}, 'discovering', ${now.getTime()}, ${now.getTime()}
    WHERE NOT EXISTS (
      SELECT 1 FROM ${sourceSyncs} WHERE source_id = ${source.id} AND status IN (${running}))`);
  return (await findSourceSync(db, id)) ?? null;
}

/**
 * Claims up to `limit` sources whose next sync is due, moving their next sync on by their schedule, so two
 * schedulers never claim the same source twice.
 */
export async function claimDueSources(db: Db, now: Date, limit: number): Promise<SourceRow[]> {
  const due = await db.select({ id: sources.id }).from(sources).where(lte(sources.nextSyncAt, now)).limit(limit);
  if (due.length === 0) return [];
  return db
    .update(sources)
    .set({ nextSyncAt: sql`${now.getTime()} + ${sources.syncEveryMinutes} * 60000` })
    .where(
      and(
        inArray(
          sources.id,
          due.map((row) => row.id),
        ),
        lte(sources.nextSyncAt, now),
      ),
    )
    .returning();
}

/** Syncs whose discovery has been quiet since before `cutoff` (its message was lost), claimed with a fresh clock. */
export function claimStalledDiscoveries(db: Db, { cutoff, now, limit }: { cutoff: Date; now: Date; limit: number }) {
  return db.all<{ id: string; tenantId: string; sourceId: string }>(sql`
    UPDATE ${sourceSyncs} SET pending_at = ${now.getTime()}
    WHERE id IN (
      SELECT id FROM ${sourceSyncs} WHERE status = 'discovering' AND pending_at < ${cutoff.getTime()} LIMIT ${limit})
    RETURNING id, tenant_id AS tenantId, source_id AS sourceId`);
}

/** Records what discovery found and moves the sync on to fetching its pages. */
export function discoveredStatement(db: Db, syncId: string, found: { pagesFound: number; removed: number }) {
  return db
    .update(sourceSyncs)
    .set({ status: "fetching", pagesFound: found.pagesFound, removed: found.removed })
    .where(and(eq(sourceSyncs.id, syncId), eq(sourceSyncs.status, "discovering")));
}

/** Ends a sync that could not run (its sitemap unreadable, its URL refused). */
export function failSync(db: Db, syncId: string, reason: string) {
  return db
    .update(sourceSyncs)
    .set({ status: "failed", error: reason, finishedAt: new Date() })
    .where(and(eq(sourceSyncs.id, syncId), inArray(sourceSyncs.status, [...runningStatuses])));
}

/** Counts a page that a fetch found gone (and deleted) in its sync. */
export function countGonePage(db: Db, syncId: string) {
  return db
    .update(sourceSyncs)
    .set({ removed: sql`${sourceSyncs.removed} + 1`, checked: sql`${sourceSyncs.checked} + 1` })
    .where(eq(sourceSyncs.id, syncId));
}

const maxFailuresKept = 50;

/**
 * Ends sync `syncId` once none of its pages waits for a fetch: what each fetch found, summed from the pages, and the
 * reasons of the failed ones. Safe to call after every fetch and more than once: only the first call that sees no page
 * waiting writes.
 */
export async function finishSyncIfDone(db: Db, syncId: string): Promise<void> {
  const waiting = await db.$count(documents, and(eq(documents.syncId, syncId), eq(documents.fetchPending, true)));
  if (waiting > 0) return;
  const counts = await db
    .select({ outcome: documents.syncOutcome, pages: sql<number>`count(*)` })
    .from(documents)
    .where(and(eq(documents.syncId, syncId), isNotNull(documents.syncOutcome)))
    .groupBy(documents.syncOutcome);
  const count = (outcome: string) => Number(counts.find((row) => row.outcome === outcome)?.pages ?? 0);
  const failures = await db
    .select({ url: documents.url, reason: documents.error })
    .from(documents)
    .where(and(eq(documents.syncId, syncId), eq(documents.syncOutcome, "failed")))
    .limit(maxFailuresKept);
  const checked = counts.reduce((sum, row) => sum + Number(row.pages), 0);
  await db
    .update(sourceSyncs)
    .set({
      status: "finished",
      // A crawl finds pages as it goes, so the pages found are, in the end, the pages checked.
      pagesFound: sql`${sourceSyncs.checked} + ${checked}`,
      checked: sql`${sourceSyncs.checked} + ${checked}`,
      unchanged: count("unchanged"),
      changed: count("changed"),
      added: count("added"),
      failed: count("failed"),
      failures: failures.map((failure) => ({ url: failure.url ?? "", reason: failure.reason ?? "" })),
      finishedAt: new Date(),
    })
    .where(and(eq(sourceSyncs.id, syncId), eq(sourceSyncs.status, "fetching")));
}
