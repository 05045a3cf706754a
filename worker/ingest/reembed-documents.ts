import { sql } from "drizzle-orm";
import { documents } from "../db/schema";
import { platformLimits } from "../lib/platform-limits";
import { type SubmitDependencies, sendIngestMessages } from "./submit-document";

/**
 * Queues a new version of every tenant document that serves vectors of another embedding model (after a model
 * change), a page of documents per statement so any number fits D1's limits. Documents already waiting to be
 * indexed are left alone: they will be embedded with the current model anyway. Each keeps serving its old vectors
 * until its new version is complete. Returns how many were queued.
 */
export async function reembedDocuments(
  deps: SubmitDependencies,
  { tenantId, embeddingModelId }: { tenantId: string; embeddingModelId: string },
): Promise<number> {
  const pageSize = platformLimits.queues.sendBatchMessages;
  let queued = 0;
  for (;;) {
    const now = Date.now();
    // Claiming moves each document out of `ready`/`failed`, so the next page finds the next documents.
    const page = await deps.db.all<{ id: string; tenantId: string; version: number }>(sql`
      UPDATE ${documents}
      SET version = version + 1, status = 'queued', error = NULL, pending_at = ${now}, updated_at = ${now}
      WHERE id IN (
        SELECT id FROM ${documents}
        WHERE tenant_id = ${tenantId} AND status IN ('ready', 'failed') AND active_version IS NOT NULL
          AND (embedding_model IS NULL OR embedding_model <> ${embeddingModelId})
        LIMIT ${pageSize})
      RETURNING id, tenant_id AS tenantId, version`);
    await sendIngestMessages(
      deps.queue,
      page.map((row) => ({ ...row, version: Number(row.version) })),
    );
    queued += page.length;
    if (page.length < pageSize) return queued;
  }
}
