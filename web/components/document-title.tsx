import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { describeError } from "../../client/api-error";
import type { DocumentView } from "../../worker/contract";
import { maxTitleLength } from "../../worker/contract";
import { documentScope, startScopedConversation } from "../lib/chat-scope";
import { ErrorMessage } from "./error-message";

/**
 * A document's title, which the admin can change in place (the document is indexed again under it), and "Ask about
 * this document", which opens a new conversation restricted to it once it has been indexed.
 */
export function DocumentTitle({
  document,
  onRename,
}: {
  document: DocumentView;
  onRename: (title: string) => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(document.title);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);

  useEffect(() => {
    if (editing) inputRef.current?.select();
    // Back on the button that opened the form, so the keyboard stays where it was.
    else if (wasEditing.current) renameRef.current?.focus();
    wasEditing.current = editing;
  }, [editing]);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = title.trim();
    if (!next) return;
    setSaving(true);
    setError(null);
    try {
      await onRename(next);
      setEditing(false);
    } catch (reason) {
      setError(`Rename failed: ${describeError(reason)}`);
    } finally {
      setSaving(false);
    }
  }

  const searchable = document.activeVersion !== null && document.status !== "deleting";
  return (
    <>
      {editing ? (
        <form className="document-title-form" onSubmit={(event) => void save(event)}>
          <label htmlFor={inputId} className="visually-hidden">
            Title of “{document.title}”
          </label>
          <input
            id={inputId}
            ref={inputRef}
            data-testid="document-title-input"
            value={title}
            maxLength={maxTitleLength}
            onChange={(event) => setTitle(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") setEditing(false);
            }}
          />
          <button
            type="submit"
            className="button-quiet"
            data-testid="document-title-save"
            disabled={saving || !title.trim()}
          >
            {saving ? "Saving…" : "Save"}
          </button>
          <button type="button" className="button-quiet" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <span className="document-name" data-testid="document-title">
          {document.title}
        </span>
      )}
      {document.collection !== "default" ? <span className="hint"> · {document.collection}</span> : null}
      {editing ? null : (
        <span className="document-title-actions">
          <button
            type="button"
            className="button-quiet"
            data-testid="document-rename"
            ref={renameRef}
            disabled={document.status === "deleting"}
            onClick={() => {
              setTitle(document.title);
              setError(null);
              setEditing(true);
            }}
          >
            Rename<span className="visually-hidden"> “{document.title}”</span>
          </button>
          {searchable ? (
            <button
              type="button"
              className="button-quiet"
              data-testid="document-ask"
              onClick={() => {
                window.location.hash = startScopedConversation(documentScope(document));
              }}
            >
              Ask about this document<span className="visually-hidden">: “{document.title}”</span>
            </button>
          ) : null}
        </span>
      )}
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
    </>
  );
}
