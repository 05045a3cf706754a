import type { Db } from "../db/client";
import { type DocumentRow, updateDocument } from "../db/documents";
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
