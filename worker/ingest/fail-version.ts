import { eq } from "drizzle-orm";
import { discardableVectorIds, discardStagedStatement } from "../db/chunk-staging";
import { updatePendingVersion } from "../db/documents";
import { runBatch } from "../db/run-batch";
import { documents } from "../db/schema";
import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import { duringStep } from "./failure-reason";
import type { IngestDependencies } from "./ingest-dependencies";
import { updateIngestJob } from "./ingest-job";

/**
 * Gives up on a document version: marks it failed with `reason` (unless it is serving, or a newer version was
 * submitted), and removes what it and any older version that never served left behind: staged chunk rows, and the
 * vectors no other version uses. The serving version is untouched. Safe to run again after a partial failure.
 */
export async function failVersion(
  deps: Pick<IngestDependencies, "db" | "vectorIndex">,
  target: { tenantId: string; documentId: string; version: number },
  reason: string,
): Promise<void> {
  const { db } = deps;
  const document = await db.select().from(documents).where(eq(documents.id, target.documentId)).get();
  if (!document || document.tenantId !== target.tenantId || document.activeVersion === target.version) return;
  const version = { id: document.id, tenantId: document.tenantId, version: target.version };
  if (document.version === target.version) {
    // A document waiting for a new fetch of its URL stays pending: the fetch may bring a version that can be read.
    const status = document.fetchPending ? "queued" : "failed";
    await runBatch(db, [
      [
        updatePendingVersion(db, version, { status, error: reason }),
        updateIngestJob(db, version, { status: "failed", error: reason, finishedAt: new Date() }),
      ],
    ]);
  }

  const staged = { id: document.id, upTo: target.version };
  // Vectors first: if removing them fails, the rows that name them are still there for the next attempt.
  const vectorIds = await discardableVectorIds(db, staged);
  for (const group of inGroups(vectorIds, platformLimits.vectorize.writeBatch)) {
    await duringStep("vector index", () => deps.vectorIndex.deleteByIds(document.tenantId, group));
  }
  await runBatch(db, [[discardStagedStatement(db, staged)]]);
}
