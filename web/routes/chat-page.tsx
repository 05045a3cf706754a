import { useEffect, useState } from "react";
import { ChatSession } from "../components/chat-session";
import { ErrorMessage } from "../components/error-message";
import { useConversationHistory } from "../hooks/use-conversation-history";
import { chatHref, replaceHash } from "../hooks/use-hash-route";
import {
  createConversationId,
  isConversationId,
  readLastConversationId,
  rememberConversationId,
} from "../lib/conversation-id";

function ConversationLoader({ conversationId }: { conversationId: string }) {
  const [attempt, setAttempt] = useState(0);
  const history = useConversationHistory(conversationId, attempt);
  if (history.status === "loading") {
    return (
      <p className="hint" role="status">
        Loading the conversation…
      </p>
    );
  }
  if (history.status === "failed") {
    return (
      <div className="panel">
        <ErrorMessage message={`Could not load the conversation: ${history.error}`} />
        <button type="button" className="button-secondary" onClick={() => setAttempt((count) => count + 1)}>
          Try again
        </button>
      </div>
    );
  }
  return <ChatSession key={conversationId} conversationId={conversationId} initialMessages={history.messages} />;
}

/**
 * The chat page. The conversation id lives in the hash (`#/chat/<id>`), so a reload or a shared link shows
 * the same conversation; a bare `#/chat` continues the last conversation or starts a new one.
 */
export function ChatPage({ conversationId }: { conversationId: string | null }) {
  const valid = conversationId !== null && isConversationId(conversationId);
  // Chosen once per mount so the redirect below is idempotent (StrictMode runs effects twice in development).
  const [fallbackId] = useState(() => readLastConversationId() ?? createConversationId());

  useEffect(() => {
    if (valid) rememberConversationId(conversationId);
    else replaceHash(chatHref(fallbackId));
  }, [valid, conversationId, fallbackId]);

  if (!valid) return null;
  return (
    <div className="chat-page">
      <div className="toolbar">
        <h2 className="visually-hidden">Chat</h2>
        <span className="hint conversation-label" title="Conversation id">
          Conversation <code>{conversationId}</code>
        </span>
        <button
          type="button"
          className="button-secondary"
          data-testid="new-conversation"
          onClick={() => {
            window.location.hash = chatHref(createConversationId());
          }}
        >
          New conversation
        </button>
      </div>
      <ConversationLoader key={conversationId} conversationId={conversationId} />
    </div>
  );
}
