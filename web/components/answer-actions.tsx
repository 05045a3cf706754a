import type { MessageFeedbackView } from "../../worker/contract";
import type { ShownVersion } from "../hooks/use-answer-versions";
import { AnswerFeedback } from "./answer-feedback";
import { CopyButton } from "./copy-button";

/**
 * What a user can do with an answer: copy its text, switch between its versions, answer the question again
 * (`onRegenerate`, only on the latest answer), and rate it.
 */
export function AnswerActions({
  conversationId,
  text,
  messageId,
  version,
  onChooseVersion,
  onRegenerate,
  feedback,
  onFeedbackSaved,
}: {
  conversationId: string;
  text: string;
  messageId: string;
  version: ShownVersion;
  onChooseVersion: (index: number) => void;
  onRegenerate: (() => void) | undefined;
  feedback: MessageFeedbackView | undefined;
  onFeedbackSaved: (feedback: MessageFeedbackView) => void;
}) {
  const count = version.versions.length;
  return (
    <div className="message-actions" data-testid="answer-actions" data-message-id={messageId}>
      <CopyButton text={() => text} label="Copy answer" testId="copy-answer" />
      {count > 1 ? (
        <span className="answer-versions" data-testid="answer-versions">
          <button
            type="button"
            className="button-quiet message-action"
            data-testid="version-previous"
            aria-label="Previous version"
            disabled={version.index === 0}
            onClick={() => onChooseVersion(version.index - 1)}
          >
            ‹
          </button>
          <span data-testid="version-label" aria-live="polite">
            {version.index + 1} / {count}
          </span>
          <button
            type="button"
            className="button-quiet message-action"
            data-testid="version-next"
            aria-label="Next version"
            disabled={version.index === count - 1}
            onClick={() => onChooseVersion(version.index + 1)}
          >
            ›
          </button>
        </span>
      ) : null}
      {onRegenerate ? (
        <button
          type="button"
          className="button-secondary message-action"
          data-testid="regenerate"
          title="Answer the question again; this answer stays as a version"
          onClick={onRegenerate}
        >
          Regenerate
        </button>
      ) : null}
      <AnswerFeedback
        key={messageId}
        conversationId={conversationId}
        messageId={messageId}
        feedback={feedback}
        onSaved={onFeedbackSaved}
      />
    </div>
  );
}
