import type { Db } from "../db/client";
import { claimPendingWork } from "../db/pending-work";
import { platformLimits } from "../lib/platform-limits";
import type { IngestMessage } from "./ingest-message";

/** The cron string the local start-up fires once, after a restart that may have lost the in-memory queue. */
export const rebootCron = "@reboot";

/**
 * Documents one run re-sends at most: a backlog larger than this (e.g. 100k documents after a crash) is worked
 * through over several runs, a minute apart, oldest first within each status.
 */
export const maxDocumentsPerRun = 5000;

export interface ReconcileDependencies {
  db: Db;
  /** `metrics` (where the platform offers it) lets the reconciler leave alone work whose message still waits. */
  queue: Pick<Queue<IngestMessage>, "sendBatch"> & Partial<Pick<Queue<IngestMessage>, "metrics">>;
}

/**
 * Re-sends pending work that D1 remembers but that has been quiet since before `cutoff`: its message was lost (a
 * queue send that failed after the D1 write, a local restart that emptied the in-memory queue, an outage). Every
 * consumer step is idempotent, so a message re-sent while the original still lives costs a dropped duplicate, not a
 * wrong result. Returns how many documents it re-sent.
 */
export async function reconcilePendingWork(
  deps: ReconcileDependencies,
  { cutoff, now = new Date(), maxDocuments = maxDocumentsPerRun }: { cutoff: Date; now?: Date; maxDocuments?: number },
): Promise<number> {
  let sent = 0;
  while (sent < maxDocuments) {
    const limit = Math.min(platformLimits.queues.sendBatchMessages, maxDocuments - sent);
    const claimed = await claimPendingWork(deps.db, { cutoff, now, limit });
    // A failed send leaves the claimed documents with a fresh clock: the run after next sends them again.
    if (claimed.length > 0) await deps.queue.sendBatch(claimed.map((body) => ({ body })));
    sent += claimed.length;
    if (claimed.length < limit) break;
  }
  return sent;
}

/**
 * What a scheduled run re-sends: at start-up (`@reboot`), all work pending before it, because the local queue lived
 * in memory and nothing pending has a live message; on the minute, work quiet for `reconcileAfterSeconds` whose
 * message cannot still be waiting in the queue (it was sent before the oldest message of the backlog).
 */
export async function reconcileOnSchedule(
  deps: ReconcileDependencies,
  { cron, now = new Date(), reconcileAfterSeconds }: { cron: string; now?: Date; reconcileAfterSeconds: number },
): Promise<number> {
  if (cron === rebootCron) return reconcilePendingWork(deps, { cutoff: now, now });
  const quiet = new Date(now.getTime() - reconcileAfterSeconds * 1000);
  const oldestWaiting = await oldestWaitingMessage(deps.queue);
  const cutoff = oldestWaiting && oldestWaiting < quiet ? oldestWaiting : quiet;
  return reconcilePendingWork(deps, { cutoff, now });
}

async function oldestWaitingMessage(queue: ReconcileDependencies["queue"]): Promise<Date | null> {
  if (!queue.metrics) return null;
  try {
    const metrics = await queue.metrics();
    return metrics.backlogCount > 0 ? (metrics.oldestMessageTimestamp ?? null) : null;
  } catch (error) {
    // Without the figure the threshold alone decides; a duplicate message is harmless.
    console.error("Could not read the ingest queue's backlog", error);
    return null;
  }
}
