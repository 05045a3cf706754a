import { useId } from "react";
import type { WebhookDeliveryView } from "../../worker/contract";
import { usePagedList } from "../hooks/use-paged-list";
import { listWebhookDeliveries } from "../lib/api";
import { DocumentTime } from "./document-time";
import { ErrorMessage } from "./error-message";
import { LoadMore } from "./load-more";

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
      {deliveries.error ? <ErrorMessage message={`Could not list the deliveries: ${deliveries.error}`} /> : null}
      {deliveries.items === null ? (
        deliveries.error ? null : (
          <p className="hint" role="status">
            Loading deliveries…
          </p>
        )
      ) : deliveries.items.length === 0 ? (
        <p className="hint">No deliveries received yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="documents-table admin-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Webhook id</th>
                <th scope="col">Outcome</th>
                <th scope="col">Status</th>
                <th scope="col">Documents</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.items.map((delivery) => (
                <DeliveryRow key={delivery.id} delivery={delivery} />
              ))}
            </tbody>
          </table>
        </div>
      )}
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
