import { inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { type DocumentRow, updateDocument } from "../db/documents";
import { runBatch } from "../db/run-batch";
import { documents } from "../db/schema";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement, platformLimits } from "../lib/platform-limits";
import type { IngestMessage } from "./ingest-message";

/**
 * Starts deleting a document everywhere (R2, D1, the full-text index, vectors): marks it `deleting`, so
 * searches and lists stop showing it as available, and queues the deletion. The mark is the outbox: a queue
 * send that fails is logged and left to the reconciler, which sends the deletion again. Returns the document
 * as marked.
 */
export async function requestDeletion(
  deps: { db: Db; queue: Pick<Queue<IngestMessage>, "send"> },
  document: DocumentRow,
): Promise<DocumentRow> {
  await updateDocument(deps.db, document.id, { status: "deleting" });
  try {
    await deps.queue.send({ type: "delete", tenantId: document.tenantId, documentId: document.id });
  } catch (error) {
    console.error("Could not queue a deletion; the reconciler will send it", error);
  }
  return { ...document, status: "deleting" };
}

/** `requestDeletion` for many documents of one tenant (a source's pages), in as few D1 and queue calls as fit. */
export async function requestDeletions(
  deps: { db: Db; queue: Pick<Queue<IngestMessage>, "sendBatch"> },
  tenantId: string,
  ids: string[],
): Promise<void> {
  const now = new Date();
  await runBatch(
    deps.db,
    inGroups(ids, idsPerStatement).map((group) => [
      deps.db
        .update(documents)
        .set({ status: "deleting", fetchPending: false, pendingAt: now, updatedAt: now })
        .where(inArray(documents.id, group)),
    ]),
  );
  const messages = ids.map((documentId) => ({ body: { type: "delete" as const, tenantId, documentId } }));
  try {
    for (const group of inGroups(messages, platformLimits.queues.sendBatchMessages)) await deps.queue.sendBatch(group);
  } catch (error) {
    console.error("Could not queue deletions; the reconciler will send them", error);
  }
}
