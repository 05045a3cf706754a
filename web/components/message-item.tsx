import { type ReactNode, useState } from "react";
import type { ChatMessage } from "../../worker/contract";
import { groundingNote, messageSources, messageText, messageTimings } from "../lib/chat-message";
import { AnswerText } from "./answer-text";
import { AnswerTimings } from "./answer-timings";
import { SourceList } from "./source-list";

function UserMessage({ message }: { message: ChatMessage }) {
  return (
    <article className="message message-user" data-testid="message-user" aria-label="You">
      <p className="message-body">{messageText(message)}</p>
    </article>
  );
}

function AssistantMessage({
  message,
  streaming,
  actions,
}: {
  message: ChatMessage;
  streaming: boolean;
  actions: ReactNode;
}) {
  const [openSource, setOpenSource] = useState<number | null>(null);
  const sources = messageSources(message);
  const timings = messageTimings(message);
  const text = messageText(message);
  const titleOf = (index: number) => sources.find((source) => source.index === index)?.title ?? `Source ${index}`;

  return (
    <article
      className="message message-assistant"
      data-testid="message-assistant"
      data-status={streaming ? "streaming" : "complete"}
      aria-label="Assistant"
      aria-busy={streaming}
    >
      <div className="message-body">
        {text ? (
          <AnswerText text={text} sourceCount={sources.length} sourceTitle={titleOf} onCite={setOpenSource} />
        ) : streaming ? (
          <p className="hint">Reading the sources…</p>
        ) : (
          <p className="hint">No answer text.</p>
        )}
        {streaming ? <span className="typing-caret" aria-hidden="true" /> : null}
      </div>
      <SourceList
        sources={sources}
        answerText={text}
        streaming={streaming}
        openIndex={openSource}
        onToggle={(index) => setOpenSource((current) => (current === index ? null : index))}
        idPrefix={`message-${message.id}`}
      />
      {!streaming ? <AnswerStatusNote message={message} /> : null}
      {streaming ? null : <GroundingNote message={message} />}
      {timings ? <AnswerTimings timings={timings} /> : null}
      {actions}
    </article>
  );
}

// Says when an answer did not complete: it was stopped, or failed with the reason the server gave.
function AnswerStatusNote({ message }: { message: ChatMessage }) {
  const status = message.metadata?.status;
  if (status === "stopped") {
    return (
      <p className="answer-status hint" data-testid="answer-status" data-answer-status="stopped">
        Stopped before the answer was complete.
      </p>
    );
  }
  if (status === "errored") {
    return (
      <p className="answer-status answer-status-errored" data-testid="answer-status" data-answer-status="errored">
        This answer is incomplete: {message.metadata?.reason ?? "it could not be generated."}
      </p>
    );
  }
  return null;
}

// Says when the documents do not cover the question, or part of it.
function GroundingNote({ message }: { message: ChatMessage }) {
  const note = groundingNote(message);
  return note ? (
    <p className="answer-grounding hint" data-testid="answer-grounding">
      {note}
    </p>
  ) : null;
}

/** One message of the conversation; an answer shows what the user can do with it (`actions`) under it. */
export function MessageItem({
  message,
  streaming,
  actions = null,
}: {
  message: ChatMessage;
  streaming: boolean;
  actions?: ReactNode;
}) {
  if (message.role === "user") return <UserMessage message={message} />;
  if (message.role === "assistant")
    return <AssistantMessage message={message} streaming={streaming} actions={actions} />;
  return null;
}
