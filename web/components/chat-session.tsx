import { useEffect, useRef } from "react";
import type { ChatMessage } from "../../worker/contract";
import { useConversationChat } from "../hooks/use-conversation-chat";
import { describeError } from "../lib/api-error";
import { ChatComposer } from "./chat-composer";
import { ErrorMessage } from "./error-message";
import { MessageItem } from "./message-item";

/** A conversation: its messages, the streaming answer, and the question box. */
export function ChatSession({
  conversationId,
  initialMessages,
  answering,
  onAnswerEnd,
  onStale,
}: {
  conversationId: string;
  initialMessages: ChatMessage[];
  /** The server was writing an answer when the messages were loaded; the session resumes it. */
  answering: boolean;
  onAnswerEnd: () => void;
  /** The loaded messages are out of date: the answer they were waiting for has finished in the meantime. */
  onStale: () => void;
}) {
  const { messages, status, error, sendMessage, stop, clearError, busy } = useConversationChat(
    conversationId,
    initialMessages,
    { onAnswerEnd, onNothingToResume: answering ? onStale : undefined },
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
      <ChatComposer busy={busy} onSend={(text) => void sendMessage({ text })} onStop={() => void stop()} />
    </div>
  );
}
