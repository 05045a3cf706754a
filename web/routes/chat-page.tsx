import { useEffect, useRef, useState } from "react";
import { ChatSession } from "../components/chat-session";
import { ConversationList } from "../components/conversation-list";
import { ErrorMessage } from "../components/error-message";
import { useApiData } from "../hooks/use-api-data";
import { useConversationList } from "../hooks/use-conversation-list";
import { useDebouncedValue } from "../hooks/use-debounced-value";
import { useDocumentTitle } from "../hooks/use-document-title";
import { useDrawer } from "../hooks/use-drawer";
import { neighbourOf, useFocusAfterDelete } from "../hooks/use-focus-after-delete";
import { chatHref, replaceHash } from "../hooks/use-hash-route";
import { useOnReconnect } from "../hooks/use-server-reachable";
import { getConversation } from "../lib/api";
import {
  createConversationId,
  isConversationId,
  readLastConversationId,
  rememberConversationId,
} from "../lib/conversation-id";

function ConversationLoader({ conversationId, onAnswerEnd }: { conversationId: string; onAnswerEnd: () => void }) {
  const history = useApiData(conversationId, getConversation);
  // Back from an outage: the server's copy may have moved on (an answer continued after a restart).
  useOnReconnect(history.reload);
  if (history.error !== null && !history.loading) {
    return (
      <div className="panel">
        <ErrorMessage message={`Could not load the conversation: ${history.error}`} />
        <button type="button" className="button-secondary" onClick={history.reload}>
          Try again
        </button>
      </div>
    );
  }
  // Loading again (after a failure, or when the page finds its copy stale) starts the session afresh.
  if (history.loading || history.data === undefined) {
    return (
      <p className="hint" role="status">
        Loading the conversation…
      </p>
    );
  }
  return (
    <ChatSession
      conversationId={conversationId}
      initialMessages={history.data.messages}
      initialFeedback={history.data.feedback}
      olderCursor={history.data.olderCursor}
      answering={history.data.answering}
      onAnswerEnd={onAnswerEnd}
      onStale={history.reload}
    />
  );
}

function newConversation(): void {
  window.location.hash = chatHref(createConversationId());
}

/**
 * The chat page: the list of conversations beside the open one. The open conversation's id lives in the hash
 * (`#/chat/<id>`), so a reload or a shared link shows the same conversation, and an answer still being written
 * picks up where it is; a bare `#/chat` continues the last conversation or starts a new one.
 */
export function ChatPage({ conversationId }: { conversationId: string | null }) {
  const valid = conversationId !== null && isConversationId(conversationId);
  // Chosen once per mount so the redirect below is idempotent (StrictMode runs effects twice in development).
  const [fallbackId] = useState(() => readLastConversationId() ?? createConversationId());
  const [search, setSearch] = useState("");
  const list = useConversationList(useDebouncedValue(search, 250));
  // At phone widths the conversations are a drawer, closed whenever another conversation opens.
  const drawer = useDrawer(conversationId);
  const title = list.conversations?.find((conversation) => conversation.id === conversationId)?.title;
  useDocumentTitle(title ?? "New conversation");
  const sidebarRef = useRef<HTMLElement>(null);
  const newConversationRef = useRef<HTMLButtonElement>(null);
  const focusAfterDelete = useFocusAfterDelete(sidebarRef, newConversationRef);
  useOnReconnect(list.reload);

  useEffect(() => {
    if (valid) rememberConversationId(conversationId);
    else replaceHash(chatHref(fallbackId));
  }, [valid, conversationId, fallbackId]);

  if (!valid) return null;
  return (
    <div className="chat-page chat-layout">
      <button
        type="button"
        className="button-secondary drawer-toggle"
        data-testid="conversations-toggle"
        {...drawer.toggleProps}
      >
        Conversations
      </button>
      <aside
        className={drawer.open ? "conversation-sidebar conversation-sidebar-open" : "conversation-sidebar"}
        data-testid="conversation-sidebar"
        ref={sidebarRef}
        {...drawer.panelProps}
      >
        <button
          type="button"
          className="button-quiet drawer-close"
          data-testid="conversations-close"
          {...drawer.closeProps}
        >
          Close
        </button>
        <button
          type="button"
          className="button-secondary"
          data-testid="new-conversation"
          ref={newConversationRef}
          onClick={newConversation}
        >
          New conversation
        </button>
        <ConversationList
          conversations={list.conversations}
          error={list.error}
          currentId={conversationId}
          search={search}
          onSearch={setSearch}
          hasMore={list.hasMore}
          loadingMore={list.loadingMore}
          onLoadMore={() => void list.loadMore()}
          onRename={list.rename}
          onDelete={async (id) => {
            const nextId = neighbourOf(list.conversations?.map((conversation) => conversation.id) ?? [], id);
            await list.remove(id);
            // Deleting the open conversation opens a new one, whose question box takes the focus.
            if (id === conversationId) newConversation();
            else focusAfterDelete(nextId);
          }}
        />
      </aside>
      <section className="chat-main" aria-label="Conversation">
        <div className="toolbar">
          <h2 className="visually-hidden">Chat</h2>
          <span className="hint conversation-label" title="Conversation id">
            Conversation <code>{conversationId}</code>
          </span>
        </div>
        <ConversationLoader key={conversationId} conversationId={conversationId} onAnswerEnd={list.reload} />
      </section>
    </div>
  );
}
