import type { z } from "zod";
import type { webhookDeliverySchema } from "../contract";
import { findDocumentsByExternalIds } from "../db/documents";
import type { DeliveredDocument } from "../db/webhooks";
import { requestDeletion } from "./request-deletion";
import { submitBatch } from "./submit-batch";
import type { SubmitDependencies } from "./submit-document";

export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/**
 * Does what a verified delivery asks: upserts through the same intake as a batch (unchanged content is not queued
 * again), and deletes by external id. Returns what happened to each document, for the delivery log.
 */
export async function applyWebhookDelivery(
  deps: SubmitDependencies,
  request: { tenantId: string; delivery: WebhookDelivery; maxBytes: number },
): Promise<DeliveredDocument[]> {
  const { tenantId, delivery } = request;
  const upserted =
    delivery.documents.length === 0
      ? []
      : await submitBatch(deps, {
          tenantId,
          documents: delivery.documents,
          source: "webhook",
          maxBytes: request.maxBytes,
        });
  const touched: DeliveredDocument[] = upserted.map(({ document, changed }) => ({
    externalId: document.externalId ?? "",
    documentId: document.id,
    action: changed ? "queued" : "unchanged",
  }));
  const toDelete = await findDocumentsByExternalIds(deps.db, tenantId, delivery.deletes);
  for (const externalId of delivery.deletes) {
    const document = toDelete.get(externalId);
    if (!document) {
      touched.push({ externalId, documentId: null, action: "not-found" });
      continue;
    }
    if (document.status !== "deleting") await requestDeletion(deps, document);
    touched.push({ externalId, documentId: document.id, action: "deleting" });
  }
  return touched;
}
