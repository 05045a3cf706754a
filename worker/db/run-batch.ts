import type { BatchItem } from "drizzle-orm/batch";
import { platformLimits } from "../lib/platform-limits";
import type { Db } from "./client";

/**
 * Runs groups of statements in as few D1 round trips as fit, in order. A group is never split across
 * round trips, so it is applied in one transaction.
 */
export async function runBatch(db: Db, groups: Array<Array<BatchItem<"sqlite">>>): Promise<void> {
  let pending: Array<BatchItem<"sqlite">> = [];
  const flush = async () => {
    const [first, ...rest] = pending;
    pending = [];
    if (first) await db.batch([first, ...rest]);
  };
  for (const group of groups) {
    if (pending.length > 0 && pending.length + group.length > platformLimits.d1.statementsPerBatch) await flush();
    pending.push(...group);
  }
  await flush();
}
