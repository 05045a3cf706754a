import { useId, useState } from "react";
import { describeError } from "../../client/api-error";
import type { WebhookSecretView } from "../../worker/contract";
import { useApiData } from "../hooks/use-api-data";
import { listWebhookSecrets, revokeWebhookSecret, rotateWebhookSecret } from "../lib/api";
import { AdminTable } from "./admin-table";
import { ConfirmAction } from "./confirm-action";
import { DocumentTime } from "./document-time";
import { ErrorMessage } from "./error-message";
import { LoadedList } from "./loaded-list";
import { SecretOnce } from "./secret-once";

/** The tenant's webhook signing secrets: list, rotate (the new value shown once) and revoke. */
export function WebhookSecretsPanel() {
  const secrets = useApiData("webhook-secrets", (_, signal) => listWebhookSecrets(signal));
  const [rotated, setRotated] = useState<{ value: string; hadCurrent: boolean } | null>(null);
  const [rotating, setRotating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();

  async function rotate() {
    setRotating(true);
    setError(null);
    try {
      const hadCurrent = secrets.data?.some((secret) => secret.expiresAt === null) ?? false;
      const { value } = await rotateWebhookSecret();
      setRotated({ value, hadCurrent });
      // The previous secret now has an expiry; the list says which.
      secrets.reload();
    } catch (reason) {
      setError(`Could not rotate the secret: ${describeError(reason)}`);
    } finally {
      setRotating(false);
    }
  }

  async function revoke(id: string) {
    await revokeWebhookSecret(id);
    secrets.reload();
  }

  const hasSecret = secrets.data !== undefined && secrets.data.length > 0;
  return (
    <section className="panel admin-panel" aria-labelledby={headingId} data-testid="webhook-secrets-panel">
      <div className="admin-panel-header">
        <div>
          <h2 id={headingId}>Webhook signing secrets</h2>
          <p className="hint">
            Deliveries to <code>/api/webhooks/ingest</code> are signed with one of these (Standard Webhooks).
          </p>
        </div>
        <button
          type="button"
          className="button-primary"
          data-testid="webhook-secret-rotate"
          disabled={rotating}
          onClick={() => void rotate()}
        >
          {rotating ? "Creating…" : hasSecret ? "Rotate secret" : "Create secret"}
        </button>
      </div>
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
      {rotated ? (
        <SecretOnce
          label="New signing secret"
          value={rotated.value}
          note={
            rotated.hadCurrent
              ? "The previous secret stays valid until its expiry below, so senders can switch over."
              : undefined
          }
          testId="webhook-secret-value"
          onDone={() => setRotated(null)}
        />
      ) : null}
      <LoadedList
        items={secrets.data}
        error={secrets.error}
        failure="Could not list the secrets"
        loading="Loading secrets…"
        empty="No signing secret yet: create one to accept webhook deliveries."
      >
        {(items) => (
          <AdminTable label="List of signing secrets" columns={["Created", "Expires", ""]}>
            {items.map((secret) => (
              <WebhookSecretRow key={secret.id} secret={secret} onRevoke={() => revoke(secret.id)} />
            ))}
          </AdminTable>
        )}
      </LoadedList>
    </section>
  );
}

function WebhookSecretRow({ secret, onRevoke }: { secret: WebhookSecretView; onRevoke: () => Promise<void> }) {
  return (
    <tr data-testid="webhook-secret-row">
      <td>
        <DocumentTime value={secret.createdAt} />
      </td>
      <td data-testid="webhook-secret-expires">
        {secret.expiresAt ? <DocumentTime value={secret.expiresAt} /> : <span className="hint">current</span>}
      </td>
      <td>
        <ConfirmAction
          label="Revoke"
          runningLabel="Revoking…"
          question="Revoke this secret? Deliveries signed with it are refused from now on."
          subject={`the secret created ${new Date(secret.createdAt).toLocaleString()}`}
          testId="webhook-secret-revoke"
          onConfirm={onRevoke}
        />
      </td>
    </tr>
  );
}
