import { type FormEvent, useId, useState } from "react";
import { describeError } from "../../client/api-error";
import { type ApiKeyView, type Role, roleSchema } from "../../worker/contract";
import { useApiData } from "../hooks/use-api-data";
import { createApiKey, listApiKeys, revokeApiKey } from "../lib/api";
import { parseGroupList } from "../lib/group-list";
import { AdminTable } from "./admin-table";
import { ConfirmAction } from "./confirm-action";
import { DocumentTime } from "./document-time";
import { ErrorMessage } from "./error-message";
import { LoadedList } from "./loaded-list";
import { SecretOnce } from "./secret-once";

const roleDescriptions: Record<Role, string> = {
  ingest: "ingest — submit and delete documents only",
  member: "member — ask and search",
  admin: "admin — everything",
};

/** The tenant's API keys: list, create (the secret shown once) and revoke. */
export function ApiKeysPanel() {
  const keys = useApiData("api-keys", (_, signal) => listApiKeys(signal));
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const headingId = useId();

  async function revoke(id: string) {
    const revoked = await revokeApiKey(id);
    keys.update((current) => current.map((key) => (key.id === revoked.id ? revoked : key)));
  }

  return (
    <section className="panel admin-panel" aria-labelledby={headingId} data-testid="api-keys-panel">
      <h2 id={headingId}>API keys</h2>
      <p className="hint">
        A key works wherever a bearer token does, with its role and groups. Revoking one refuses it at once.
      </p>
      <CreateApiKeyForm
        onCreated={(key, secret) => {
          setCreated({ name: key.name, secret });
          keys.update((current) => [key, ...current]);
        }}
      />
      {created ? (
        <SecretOnce
          label={`Secret of the new key “${created.name}”`}
          value={created.secret}
          testId="api-key-secret"
          onDone={() => setCreated(null)}
        />
      ) : null}
      <LoadedList
        items={keys.data}
        error={keys.error}
        failure="Could not list the API keys"
        loading="Loading API keys…"
        empty="No API keys yet."
      >
        {(items) => (
          <AdminTable
            label="List of API keys"
            columns={["Name", "Role", "Groups", "Prefix", "Created", "Last used", "Revoked", ""]}
          >
            {items.map((key) => (
              <ApiKeyRow key={key.id} apiKey={key} onRevoke={() => revoke(key.id)} />
            ))}
          </AdminTable>
        )}
      </LoadedList>
    </section>
  );
}

function ApiKeyRow({ apiKey, onRevoke }: { apiKey: ApiKeyView; onRevoke: () => Promise<void> }) {
  return (
    <tr data-testid="api-key-row" data-key-id={apiKey.id}>
      <th scope="row">{apiKey.name}</th>
      <td>{apiKey.role}</td>
      <td>{apiKey.groups.length > 0 ? apiKey.groups.join(", ") : <span className="hint">—</span>}</td>
      <td>
        <code data-testid="api-key-prefix">{apiKey.prefix}</code>
      </td>
      <td className="hint">
        <DocumentTime value={apiKey.createdAt} />
        <span> by {apiKey.createdBy}</span>
      </td>
      <td className="hint">{apiKey.lastUsedAt ? <DocumentTime value={apiKey.lastUsedAt} /> : "never"}</td>
      <td data-testid="api-key-revoked">
        {apiKey.revokedAt ? <DocumentTime value={apiKey.revokedAt} /> : <span className="hint">active</span>}
      </td>
      <td>
        {apiKey.revokedAt ? null : (
          <ConfirmAction
            label="Revoke"
            runningLabel="Revoking…"
            question="Revoke this key?"
            subject={`the key “${apiKey.name}”`}
            testId="api-key-revoke"
            onConfirm={onRevoke}
          />
        )}
      </td>
    </tr>
  );
}

function CreateApiKeyForm({ onCreated }: { onCreated: (key: ApiKeyView, secret: string) => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("ingest");
  const [groups, setGroups] = useState("");
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setCreating(true);
    setError(null);
    try {
      const { key, secret } = await createApiKey({ name, role, groups: parseGroupList(groups) });
      onCreated(key, secret);
      setName("");
      setGroups("");
    } catch (reason) {
      setError(`Could not create the key: ${describeError(reason)}`);
    } finally {
      setCreating(false);
    }
  }

  return (
    <form className="admin-form" onSubmit={(event) => void submit(event)} aria-label="Create an API key">
      <div className="admin-field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          data-testid="api-key-name"
          required
          maxLength={100}
          value={name}
          placeholder="cms"
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="admin-field">
        <label htmlFor={`${id}-role`}>Role</label>
        <select
          id={`${id}-role`}
          data-testid="api-key-role"
          value={role}
          onChange={(event) => {
            const parsed = roleSchema.safeParse(event.target.value);
            if (parsed.success) setRole(parsed.data);
          }}
        >
          {roleSchema.options.map((option) => (
            <option key={option} value={option}>
              {roleDescriptions[option]}
            </option>
          ))}
        </select>
      </div>
      <div className="admin-field">
        <label htmlFor={`${id}-groups`}>Groups (optional, comma-separated)</label>
        <input
          id={`${id}-groups`}
          data-testid="api-key-groups"
          value={groups}
          placeholder="finance, legal"
          onChange={(event) => setGroups(event.target.value)}
        />
      </div>
      <button type="submit" className="button-primary" data-testid="api-key-create" disabled={creating}>
        {creating ? "Creating…" : "Create key"}
      </button>
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
    </form>
  );
}
