import type { Db } from "../db/client";
import { claimDueSources, claimStalledDiscoveries, type SourceRow, type SourceSyncRow, startSync } from "../db/sources";
import { platformLimits } from "../lib/platform-limits";
import type { IngestMessage } from "./ingest-message";
import { rebootCron } from "./reconcile-pending-work";

/** Sources one scheduled run starts at most; more that are due start a minute later. */
export const maxSyncStartsPerRun = 50;

export interface SourceScheduleDependencies {
  db: Db;
  queue: Pick<Queue<IngestMessage>, "send" | "sendBatch">;
}

/**
 * Starts a sync of `source` (unless one is running) and queues its discovery; the sync row is its outbox, so a failed
 * send is left to `runSourceSchedule`. Returns the sync, or null when one was already running.
 */
export async function requestSync(
  deps: SourceScheduleDependencies,
  source: Pick<SourceRow, "id" | "tenantId">,
  trigger: SourceSyncRow["trigger"],
): Promise<SourceSyncRow | null> {
  const sync = await startSync(deps.db, source, trigger, new Date());
  if (!sync) return null;
  try {
    await deps.queue.send({ type: "sync-source", tenantId: source.tenantId, sourceId: source.id, syncId: sync.id });
  } catch (error) {
    console.error("Could not queue a source's sync; the scheduler will send it", error);
  }
  return sync;
}

/**
 * The every-minute work for sources: starts the syncs that are due (each source's `syncEveryMinutes`), and re-sends
 * discoveries whose message was lost (quiet for `reconcileAfterSeconds`; after a local restart, all of them). Returns
 * how many syncs it started and re-sent.
 */
export async function runSourceSchedule(
  deps: SourceScheduleDependencies,
  { cron, now = new Date(), reconcileAfterSeconds }: { cron: string; now?: Date; reconcileAfterSeconds: number },
): Promise<{ started: number; resent: number }> {
  const cutoff = cron === rebootCron ? now : new Date(now.getTime() - reconcileAfterSeconds * 1000);
  const stalled = await claimStalledDiscoveries(deps.db, {
    cutoff,
    now,
    limit: platformLimits.queues.sendBatchMessages,
  });
  if (stalled.length > 0) {
    await deps.queue.sendBatch(
      stalled.map((sync) => ({
        body: { type: "sync-source" as const, tenantId: sync.tenantId, sourceId: sync.sourceId, syncId: sync.id },
      })),
    );
  }
  let started = 0;
  for (const source of await claimDueSources(deps.db, now, maxSyncStartsPerRun)) {
    if (await requestSync(deps, source, "schedule")) started += 1;
  }
  return { started, resent: stalled.length };
}
