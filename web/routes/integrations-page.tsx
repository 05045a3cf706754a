import { ApiKeysPanel } from "../components/api-keys-panel";
import { WebhookDeliveriesPanel } from "../components/webhook-deliveries-panel";
import { WebhookSecretsPanel } from "../components/webhook-secrets-panel";

/** Where admins connect other systems: API keys, webhook signing secrets, and the deliveries received. */
export function IntegrationsPage() {
  return (
    <div className="admin-page" data-testid="integrations-page">
      <ApiKeysPanel />
      <WebhookSecretsPanel />
      <WebhookDeliveriesPanel />
    </div>
  );
}
