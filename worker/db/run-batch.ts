import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";

// One D1 round trip per batch; each batch is one transaction.
const statementsPerBatch = 50;

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
    if (pending.length > 0 && pending.length + group.length > statementsPerBatch) await flush();
    pending.push(...group);
  }
  await flush();
}

/** Splits items so that no statement binds more than D1's 100 parameters. */
export function inGroups<Item>(items: Item[], size = 90): Item[][] {
  const groups: Item[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
