import { and, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "../db/client";
import { documents } from "../db/schema";
import type { IngestMessage } from "./ingest-message";

/** Ingestion that has made no progress for this long is considered lost and queued again. */
export const stalledAfterMs = 15 * 60 * 1000;

/**
 * Re-enqueues documents stuck in `queued` or `processing` (every step updates the document, so a quiet one
 * lost its message, e.g. in an outage). Runs from the cron trigger; returns how many it re-enqueued.
 */
export async function sweepStalledIngestion(
  db: Db,
  queue: Pick<Queue<IngestMessage>, "send">,
  now = new Date(),
): Promise<number> {
  const stalled = await db
    .select({ id: documents.id, tenantId: documents.tenantId, version: documents.version })
    .from(documents)
    .where(
      and(
        inArray(documents.status, ["queued", "processing"]),
        lt(documents.updatedAt, new Date(now.getTime() - stalledAfterMs)),
      ),
    )
    .limit(500);
  for (const document of stalled) {
    await queue.send({
      type: "ingest",
      tenantId: document.tenantId,
      documentId: document.id,
      version: document.version,
    });
    await db.update(documents).set({ updatedAt: now }).where(eq(documents.id, document.id));
  }
  return stalled.length;
}
