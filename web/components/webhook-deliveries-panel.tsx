import { useId } from "react";
import type { WebhookDeliveryView } from "../../worker/contract";
import { usePagedList } from "../hooks/use-paged-list";
import { listWebhookDeliveries } from "../lib/api";
import { AdminTable } from "./admin-table";
import { DocumentTime } from "./document-time";
import { LoadMore } from "./load-more";
import { LoadedList } from "./loaded-list";

/** The webhook deliveries received, newest first, a page at a time. */
export function WebhookDeliveriesPanel() {
  const deliveries = usePagedList("webhook-deliveries", listWebhookDeliveries);
  const headingId = useId();
  return (
    <section className="panel admin-panel" aria-labelledby={headingId} data-testid="webhook-deliveries-panel">
      <div className="admin-panel-header">
        <h2 id={headingId}>Recent deliveries</h2>
        <button
          type="button"
          className="button-secondary"
          data-testid="webhook-deliveries-refresh"
          disabled={deliveries.loading}
          onClick={deliveries.reload}
        >
          Refresh
        </button>
      </div>
      <LoadedList
        items={deliveries.items}
        error={deliveries.error}
        failure="Could not list the deliveries"
        loading="Loading deliveries…"
        empty="No deliveries received yet."
      >
        {(items) => (
          <AdminTable
            label="List of deliveries"
            columns={["Time", "Webhook id", "Outcome", "Status", "Documents", "Error"]}
          >
            {items.map((delivery) => (
              <DeliveryRow key={delivery.id} delivery={delivery} />
            ))}
          </AdminTable>
        )}
      </LoadedList>
      <LoadMore
        hasMore={deliveries.hasMore}
        loading={deliveries.loadingMore}
        onLoadMore={() => void deliveries.loadMore()}
        testId="webhook-deliveries-more"
      />
    </section>
  );
}

const outcomeClasses: Record<WebhookDeliveryView["outcome"], string> = {
  accepted: "status status-ready",
  rejected: "status status-failed",
  processing: "status status-processing",
};

function DeliveryRow({ delivery }: { delivery: WebhookDeliveryView }) {
  return (
    <tr data-testid="webhook-delivery-row" data-webhook-id={delivery.webhookId}>
      <td className="hint">
        <DocumentTime value={delivery.receivedAt} />
      </td>
      <td>
        <code>{delivery.webhookId}</code>
      </td>
      <td>
        <span className={outcomeClasses[delivery.outcome]} data-testid="webhook-delivery-outcome">
          {delivery.outcome}
        </span>
      </td>
      <td>{delivery.status}</td>
      <td data-testid="webhook-delivery-documents">
        {delivery.documents.length === 0 ? (
          <span className="hint">—</span>
        ) : (
          <ul className="admin-cell-list">
            {delivery.documents.map((document) => (
              <li key={`${document.action} ${document.externalId}`}>
                {document.action} <code>{document.externalId}</code>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="document-error">{delivery.error ?? ""}</td>
    </tr>
  );
}
