import { DrizzleQueryError } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { nextTurn } from "../lib/pacer";
import { platformLimits } from "../lib/platform-limits";
import type { Db } from "./client";

/**
 * Runs groups of statements in as few D1 round trips as fit, in order. A group is never split across
 * round trips, so it is applied in one transaction. A failure is a `DrizzleQueryError`, like drizzle's own
 * for single statements, so callers tell database failures apart in one way.
 */
export async function runBatch(db: Db, groups: Array<Array<BatchItem<"sqlite">>>): Promise<void> {
  let pending: Array<BatchItem<"sqlite">> = [];
  const flush = async () => {
    const [first, ...rest] = pending;
    pending = [];
    if (!first) return;
    try {
      await db.batch([first, ...rest]);
    } catch (error) {
      throw error instanceof DrizzleQueryError
        ? error
        : new DrizzleQueryError(
            `a batch of ${rest.length + 1} statements`,
            [],
            error instanceof Error ? error : undefined,
          );
    }
  };
  for (const group of groups) {
    if (pending.length > 0 && pending.length + group.length > platformLimits.d1.statementsPerBatch) {
      await flush();
      // Requests waiting behind a long run of round trips get their turn (locally, D1 shares the server's thread).
      await nextTurn();
    }
    pending.push(...group);
  }
  await flush();
}
