import { useEffect, useRef, useState } from "react";
import { describeError } from "../../client/api-error";
import type { ChatMessage } from "../../worker/contract";
import { useChatScope } from "../hooks/use-chat-scope";
import { useConversationChat } from "../hooks/use-conversation-chat";
import { getOlderMessages } from "../lib/api";
import { ChatComposer } from "./chat-composer";
import { ErrorMessage } from "./error-message";
import { MessageItem } from "./message-item";
import { ScopeChip } from "./scope-chip";

/** A conversation: its messages, the streaming answer, and the question box. */
export function ChatSession({
  conversationId,
  initialMessages,
  olderCursor,
  answering,
  onAnswerEnd,
  onStale,
}: {
  conversationId: string;
  initialMessages: ChatMessage[];
  /** Where the earlier messages, not loaded with the latest ones, begin; null when all are loaded. */
  olderCursor: string | null;
  /** The server was writing an answer when the messages were loaded; the session resumes it. */
  answering: boolean;
  onAnswerEnd: () => void;
  /** The loaded messages are out of date: the answer they were waiting for has finished in the meantime. */
  onStale: () => void;
}) {
  const { scope, clearScope } = useChatScope(conversationId);
  const { messages, setMessages, status, error, sendMessage, stop, clearError, busy } = useConversationChat(
    conversationId,
    initialMessages,
    { onAnswerEnd, onNothingToResume: answering ? onStale : undefined, filter: scope?.filter },
  );
  const earlier = useEarlierMessages(conversationId, olderCursor, (older) =>
    setMessages((current) => [...older, ...current]),
  );
  const endRef = useRef<HTMLDivElement>(null);
  const lastMessage = messages.at(-1);
  const waitingForAnswer = status === "submitted" && lastMessage?.role === "user";

  // Follow the answer as it grows; `messages` changes on every streamed chunk.
  useEffect(() => {
    if (messages.length > 0) endRef.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  return (
    <div className="chat-session">
      <div className="message-list" role="log" aria-live="polite" aria-relevant="additions">
        {earlier.cursor !== null ? (
          <button
            type="button"
            className="button-secondary"
            data-testid="load-earlier"
            disabled={earlier.loading}
            onClick={earlier.load}
          >
            {earlier.loading ? "Loading earlier messages…" : "Show earlier messages"}
          </button>
        ) : null}
        {messages.length === 0 ? (
          <div className="empty-state">
            <h2>Ask your documents</h2>
            <p>Answers cite the passages they come from. Select a citation to read the passage.</p>
          </div>
        ) : null}
        {messages.map((message) => (
          <MessageItem
            key={message.id}
            message={message}
            streaming={status === "streaming" && message === lastMessage && message.role === "assistant"}
          />
        ))}
        {waitingForAnswer ? (
          <p className="message message-pending hint" data-testid="message-pending">
            Searching your documents…
          </p>
        ) : null}
        <div ref={endRef} />
      </div>
      {error ? <ErrorMessage message={describeError(error)} onDismiss={clearError} /> : null}
      {earlier.error ? <ErrorMessage message={`Could not load earlier messages: ${earlier.error}`} /> : null}
      {scope ? <ScopeChip scope={scope} onRemove={clearScope} /> : null}
      <ChatComposer busy={busy} onSend={(text) => void sendMessage({ text })} onStop={() => void stop()} />
    </div>
  );
}

// The messages before those loaded first, a page at a time, handed to `prepend` oldest first.
function useEarlierMessages(
  conversationId: string,
  firstCursor: string | null,
  prepend: (older: ChatMessage[]) => void,
) {
  const [cursor, setCursor] = useState(firstCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    if (cursor === null) return;
    setLoading(true);
    getOlderMessages(conversationId, cursor)
      .then((page) => {
        prepend(page.messages);
        setCursor(page.olderCursor);
        setError(null);
      })
      .catch((failure: unknown) => setError(describeError(failure)))
      .finally(() => setLoading(false));
  };
  return { cursor, loading, error, load };
}
