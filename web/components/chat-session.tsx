import { Fragment, useEffect, useRef, useState } from "react";
import { describeError } from "../../client/api-error";
import type { ChatMessage, MessageFeedbackView } from "../../worker/contract";
import { useAnswerVersions } from "../hooks/use-answer-versions";
import { useChatScope } from "../hooks/use-chat-scope";
import { useConversationChat } from "../hooks/use-conversation-chat";
import { olderPageVersions, splitAnswerVersions } from "../lib/answer-versions";
import { getOlderMessages } from "../lib/api";
import { messageText } from "../lib/chat-message";
import { isNetworkFailure } from "../lib/server-reachability";
import { AnswerActions } from "./answer-actions";
import { ChatComposer } from "./chat-composer";
import { ErrorMessage } from "./error-message";
import { MessageItem } from "./message-item";
import { QuestionEditor } from "./question-editor";
import { ScopeChip } from "./scope-chip";
import { UnsentQuestionItem } from "./unsent-question";

/** A conversation: its messages, the streaming answer, and the question box. */
export function ChatSession({
  conversationId,
  initialMessages,
  initialFeedback = [],
  olderCursor,
  answering,
  onAnswerEnd,
  onStale,
}: {
  conversationId: string;
  /** As the server lists them: consecutive answers to one question are its versions. */
  initialMessages: ChatMessage[];
  /** The user's ratings of the answers. */
  initialFeedback?: MessageFeedbackView[];
  /** Where the earlier messages, not loaded with the latest ones, begin; null when all are loaded. */
  olderCursor: string | null;
  /** The server was writing an answer when the messages were loaded; the session resumes it. */
  answering: boolean;
  onAnswerEnd: () => void;
  /** The loaded messages are out of date: the answer they were waiting for has finished in the meantime. */
  onStale: () => void;
}) {
  const { scope, clearScope } = useChatScope(conversationId);
  const [initial] = useState(() => splitAnswerVersions(initialMessages, answering));
  const versions = useAnswerVersions(initial.earlier);
  const [feedback, setFeedback] = useState(() => new Map(initialFeedback.map((entry) => [entry.messageId, entry])));
  const [editing, setEditing] = useState(false);
  const chat = useConversationChat(conversationId, initial.thread, {
    onAnswerEnd,
    onNothingToResume: answering ? onStale : undefined,
    onRefresh: onStale,
    onRegenerateFailed: versions.unkeep,
    filter: scope?.filter,
  });
  const { messages, setMessages, status, error, stop, clearError, busy } = chat;
  const earlier = useEarlierMessages(conversationId, olderCursor, (older) => {
    const page = olderPageVersions(older, messages[0]);
    versions.addOlder(page.earlier);
    setMessages((current) => [...page.thread, ...current]);
  });
  const lastQuestionIndex = messages.findLastIndex((message) => message.role === "user");
  const endRef = useRef<HTMLDivElement>(null);
  const lastMessage = messages.at(-1);
  const waitingForAnswer = status === "submitted" && lastMessage?.role === "user";
  // The last answer ended incomplete (the server said so, or its stream broke off): it can be asked for again.
  const retryable = !busy && lastMessage?.role === "assistant" && lastMessage.metadata?.status === "errored";

  // Follow the answer as it grows; `messages` changes on every streamed chunk.
  useEffect(() => {
    if (messages.length > 0) endRef.current?.scrollIntoView({ block: "end" });
  }, [messages]);

  return (
    <div className="chat-session" data-testid="chat-session" data-conversation-id={conversationId}>
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
        {messages.length === 0 && chat.unsent.length === 0 ? (
          <div className="empty-state">
            <h2>Ask your documents</h2>
            <p>Answers cite the passages they come from. Select a citation to read the passage.</p>
          </div>
        ) : null}
        {messages.map((message, position) => {
          const isLastQuestion = position === lastQuestionIndex;
          if (isLastQuestion && editing) {
            return (
              <QuestionEditor
                key={message.id}
                initialText={messageText(message)}
                onCancel={() => setEditing(false)}
                onSend={(text) => {
                  setEditing(false);
                  versions.drop(message.id);
                  void chat.editQuestion(message.id, text);
                }}
              />
            );
          }
          if (message.role !== "assistant") {
            return (
              <Fragment key={message.id}>
                <MessageItem message={message} streaming={false} />
                {isLastQuestion && !busy ? (
                  <div className="message-actions question-actions">
                    <button
                      type="button"
                      className="button-secondary message-action"
                      data-testid="edit-question"
                      aria-label="Edit your last question"
                      onClick={() => setEditing(true)}
                    >
                      Edit
                    </button>
                  </div>
                ) : null}
              </Fragment>
            );
          }
          const question = messages[position - 1];
          const questionId = question?.role === "user" ? question.id : null;
          const version = questionId === null ? { versions: [message], index: 0 } : versions.shown(questionId, message);
          const shown = version.versions[version.index] ?? message;
          const streaming = status === "streaming" && message === lastMessage;
          // Regenerate acts on the latest answer, as shown in its newest version.
          const canRegenerate =
            questionId !== null && message === lastMessage && version.index === version.versions.length - 1 && !busy;
          return (
            <Fragment key={shown.id}>
              <MessageItem
                message={shown}
                streaming={streaming}
                actions={
                  streaming ? null : (
                    <AnswerActions
                      conversationId={conversationId}
                      text={messageText(shown)}
                      messageId={shown.id}
                      version={version}
                      onChooseVersion={(index) =>
                        questionId === null ? undefined : versions.choose(questionId, index)
                      }
                      onRegenerate={
                        canRegenerate
                          ? () => {
                              versions.keep(questionId, message);
                              void chat.regenerateAnswer(questionId, message);
                            }
                          : undefined
                      }
                      feedback={feedback.get(shown.id)}
                      onFeedbackSaved={(saved) =>
                        setFeedback((current) => new Map(current).set(saved.messageId, saved))
                      }
                    />
                  )
                }
              />
              {retryable && message === lastMessage ? (
                <RetryAnswer question={question} onRetry={chat.retryAnswer} />
              ) : null}
            </Fragment>
          );
        })}
        {chat.unsent.map((question) => (
          <UnsentQuestionItem
            key={question.id}
            question={question}
            busy={busy}
            onRetry={() => chat.retryQuestion(question.id)}
            onDiscard={() => chat.discardQuestion(question.id)}
          />
        ))}
        {waitingForAnswer ? (
          <p className="message message-pending hint" data-testid="message-pending">
            Searching your documents…
          </p>
        ) : null}
        <div ref={endRef} />
      </div>
      {/* Failures to reach the server are the connection banner's to show; it clears itself. */}
      {error && !isNetworkFailure(error) ? (
        <ErrorMessage message={describeError(error)} onDismiss={clearError} />
      ) : null}
      {earlier.error ? <ErrorMessage message={`Could not load earlier messages: ${earlier.error}`} /> : null}
      {scope ? <ScopeChip scope={scope} onRemove={clearScope} /> : null}
      <ChatComposer busy={busy} onSend={(text) => void chat.ask(text)} onStop={() => void stop()} />
    </div>
  );
}

// Retry under an incomplete answer: asks for the answer to the question before it again.
function RetryAnswer({
  question,
  onRetry,
}: {
  question: ChatMessage | undefined;
  onRetry: (question: ChatMessage) => Promise<void>;
}) {
  if (question?.role !== "user") return null;
  return (
    <div className="recovery-actions recovery-actions-answer">
      <button
        type="button"
        className="button-secondary"
        data-testid="answer-retry"
        onClick={() => void onRetry(question)}
      >
        Retry
      </button>
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
