import { type FormEvent, useId, useState } from "react";
import { describeError } from "../../client/api-error";
import type { CollectionView } from "../../worker/contract";
import { setCollectionAccess } from "../lib/api";
import { collectionScope, startScopedConversation } from "../lib/chat-scope";
import { parseGroupList } from "../lib/group-list";
import { DocumentTime } from "./document-time";
import { ErrorMessage } from "./error-message";

type AccessChoice = "tenant" | "admins" | "groups";

function choiceOf(readableBy: string[] | null): AccessChoice {
  if (readableBy === null) return "tenant";
  return readableBy.length === 0 ? "admins" : "groups";
}

/** Who may read a collection, in words. */
function describeAccess(readableBy: string[] | null): string {
  if (readableBy === null) return "Whole tenant";
  if (readableBy.length === 0) return "Admins only";
  return `Groups: ${readableBy.join(", ")}`;
}

/** One collection with its access, and a form to change it under the row; `onChanged` after a save. */
export function CollectionRow({ collection, onChanged }: { collection: CollectionView; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const formId = useId();
  return (
    <>
      <tr data-testid="collection-row" data-collection={collection.name}>
        <th scope="row">{collection.name}</th>
        <td className="numeric">{collection.documents}</td>
        <td>
          <span data-testid="collection-access">{describeAccess(collection.readableBy)}</span>
          {collection.accessUpdatedAt ? (
            <span className="hint admin-block">
              set <DocumentTime value={collection.accessUpdatedAt} /> by {collection.accessUpdatedBy}
            </span>
          ) : null}
        </td>
        <td>
          <button
            type="button"
            className="button-quiet"
            data-testid="collection-edit"
            aria-expanded={editing}
            aria-controls={editing ? formId : undefined}
            onClick={() => setEditing((open) => !open)}
          >
            Edit access<span className="visually-hidden"> of “{collection.name}”</span>
          </button>
          {collection.documents > 0 ? (
            <button
              type="button"
              className="button-quiet"
              data-testid="collection-ask"
              onClick={() => {
                window.location.hash = startScopedConversation(collectionScope(collection.name));
              }}
            >
              Ask about this collection<span className="visually-hidden">: “{collection.name}”</span>
            </button>
          ) : null}
        </td>
      </tr>
      {editing ? (
        <tr>
          <td id={formId} colSpan={4}>
            <CollectionAccessForm
              collection={collection}
              onSaved={() => {
                onChanged();
                setEditing(false);
              }}
              onCancel={() => setEditing(false)}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function CollectionAccessForm({
  collection,
  onSaved,
  onCancel,
}: {
  collection: CollectionView;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [choice, setChoice] = useState<AccessChoice>(choiceOf(collection.readableBy));
  const [groups, setGroups] = useState((collection.readableBy ?? []).join(", "));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  async function save(event: FormEvent) {
    event.preventDefault();
    const named = parseGroupList(groups);
    if (choice === "groups" && named.length === 0) {
      setError("Name at least one group, or choose “Admins only”.");
      return;
    }
    setSaving(true);
    setError(null);
    try {
      const readableBy = choice === "tenant" ? null : choice === "admins" ? [] : named;
      await setCollectionAccess(collection.name, readableBy);
      onSaved();
    } catch (reason) {
      setError(`Could not save the access: ${describeError(reason)}`);
    } finally {
      setSaving(false);
    }
  }

  const option = (value: AccessChoice, label: string) => (
    <label className="admin-choice">
      <input
        type="radio"
        name={`${id}-access`}
        value={value}
        data-testid={`collection-access-${value}`}
        checked={choice === value}
        onChange={() => setChoice(value)}
      />
      {label}
    </label>
  );

  return (
    <form
      className="admin-form"
      aria-label={`Who may read “${collection.name}”`}
      onSubmit={(event) => void save(event)}
    >
      <fieldset className="admin-fieldset">
        <legend>Readable by</legend>
        {option("tenant", "The whole tenant")}
        {option("admins", "Admins only")}
        {option("groups", "These groups:")}
        <input
          aria-label="Groups, comma-separated"
          data-testid="collection-access-group-names"
          value={groups}
          placeholder="finance, legal"
          disabled={choice !== "groups"}
          onChange={(event) => setGroups(event.target.value)}
        />
      </fieldset>
      <button type="submit" className="button-primary" data-testid="collection-access-save" disabled={saving}>
        {saving ? "Saving…" : "Save access"}
      </button>
      <button type="button" className="button-quiet" onClick={onCancel}>
        Cancel
      </button>
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
    </form>
  );
}
