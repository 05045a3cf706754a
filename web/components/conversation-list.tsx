import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { describeError } from "../../client/api-error";
import type { ConversationSummary } from "../../worker/contract";
import { useConfirmationFocus } from "../hooks/use-confirmation-focus";
import { chatHref } from "../hooks/use-hash-route";
import { relativeDay } from "../lib/relative-day";
import { ErrorMessage } from "./error-message";
import { LoadMore } from "./load-more";

type ItemMode = "view" | "rename" | "confirm-delete";

function ConversationItem({
  conversation,
  current,
  onRename,
  onDelete,
}: {
  conversation: ConversationSummary;
  current: boolean;
  onRename: (title: string) => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const [mode, setMode] = useState<ItemMode>("view");
  const [title, setTitle] = useState(conversation.title);
  const [error, setError] = useState<string | null>(null);
  // The title field, or Keep, takes the focus as they open; Rename, or Delete, gets it back as they close.
  const renameFocus = useConfirmationFocus<HTMLInputElement>(mode === "rename");
  const deleteFocus = useConfirmationFocus(mode === "confirm-delete");

  async function run(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
      setMode("view");
    } catch (reason) {
      setError(describeError(reason));
    }
  }

  function submitRename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (title.trim()) void run(() => onRename(title.trim()));
  }

  return (
    <li
      className={current ? "conversation-item conversation-item-current" : "conversation-item"}
      data-testid="conversation-item"
      data-conversation-id={conversation.id}
    >
      {mode === "rename" ? (
        <form className="conversation-rename" onSubmit={submitRename}>
          <label className="visually-hidden" htmlFor={`rename-${conversation.id}`}>
            New title
          </label>
          <input
            id={`rename-${conversation.id}`}
            ref={renameFocus.cancelRef}
            data-testid="conversation-title-input"
            value={title}
            onFocus={(event) => event.target.select()}
            maxLength={200}
            onChange={(event) => setTitle(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") setMode("view");
            }}
          />
          <button type="submit" className="button-quiet" disabled={!title.trim()}>
            Save
          </button>
          <button type="button" className="button-quiet" onClick={() => setMode("view")}>
            Cancel
          </button>
        </form>
      ) : (
        <a
          className="conversation-link"
          href={chatHref(conversation.id)}
          aria-current={current ? "page" : undefined}
          title={conversation.title}
          data-testid="conversation-link"
        >
          {conversation.title}
        </a>
      )}
      <time
        className="conversation-date hint"
        dateTime={conversation.updatedAt}
        title={`Last active ${new Date(conversation.updatedAt).toLocaleString()}`}
        data-testid="conversation-date"
      >
        {relativeDay(new Date(conversation.updatedAt))}
      </time>
      {mode === "view" ? (
        <span className="conversation-actions">
          <button
            type="button"
            className="button-quiet"
            data-testid="conversation-rename"
            ref={renameFocus.actionRef}
            aria-label={`Rename “${conversation.title}”`}
            onClick={() => {
              setTitle(conversation.title);
              setMode("rename");
            }}
          >
            Rename
          </button>
          <button
            type="button"
            className="button-quiet"
            data-testid="conversation-delete"
            ref={deleteFocus.actionRef}
            aria-label={`Delete “${conversation.title}”`}
            onClick={() => setMode("confirm-delete")}
          >
            Delete
          </button>
        </span>
      ) : null}
      {mode === "confirm-delete" ? (
        <span className="conversation-actions">
          <span className="hint">Delete this conversation?</span>
          <button
            type="button"
            className="button-quiet conversation-delete-confirm"
            data-testid="conversation-delete-confirm"
            onClick={() => void run(onDelete)}
          >
            Delete
          </button>
          <button type="button" className="button-quiet" ref={deleteFocus.cancelRef} onClick={() => setMode("view")}>
            Keep
          </button>
        </span>
      ) : null}
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
    </li>
  );
}

/**
 * The user's conversations (undefined until listed), searched by title: open one, rename it or delete it. The next
 * page loads as the end of the list scrolls into view (or with Load more).
 */
export function ConversationList({
  conversations,
  error,
  currentId,
  search,
  onSearch,
  hasMore,
  loadingMore,
  onLoadMore,
  onRename,
  onDelete,
}: {
  conversations: ConversationSummary[] | undefined;
  error: string | null;
  currentId: string;
  search: string;
  onSearch: (search: string) => void;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  onRename: (id: string, title: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}) {
  const searchId = useId();
  const endRef = useRef<HTMLDivElement>(null);
  const latestLoadMore = useRef(onLoadMore);
  latestLoadMore.current = onLoadMore;
  const canLoadMore = hasMore && !loadingMore;

  useEffect(() => {
    const end = endRef.current;
    if (!canLoadMore || !end) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) latestLoadMore.current();
    });
    observer.observe(end);
    return () => observer.disconnect();
  }, [canLoadMore]);

  const searching = search.trim() !== "";
  return (
    <nav className="conversation-list" aria-label="Conversations">
      <h2 className="conversation-list-heading">Conversations</h2>
      <label htmlFor={searchId} className="visually-hidden">
        Search conversations by title
      </label>
      <input
        id={searchId}
        type="search"
        className="conversation-search"
        data-testid="conversation-search"
        placeholder="Search conversations"
        maxLength={200}
        value={search}
        onChange={(event) => onSearch(event.target.value)}
      />
      {error !== null ? <ErrorMessage message={`Could not list conversations: ${error}`} /> : null}
      {error === null && conversations === undefined ? <p className="hint">Loading…</p> : null}
      {conversations?.length === 0 ? (
        <p className="hint">
          {searching ? "No conversation title contains that." : "Your conversations will appear here."}
        </p>
      ) : null}
      {conversations !== undefined ? (
        <div className="conversation-scroll">
          <ul>
            {conversations.map((conversation) => (
              <ConversationItem
                key={conversation.id}
                conversation={conversation}
                current={conversation.id === currentId}
                onRename={(title) => onRename(conversation.id, title)}
                onDelete={() => onDelete(conversation.id)}
              />
            ))}
          </ul>
          <div ref={endRef}>
            <LoadMore hasMore={hasMore} loading={loadingMore} onLoadMore={onLoadMore} testId="conversation-load-more" />
          </div>
        </div>
      ) : null}
    </nav>
  );
}
