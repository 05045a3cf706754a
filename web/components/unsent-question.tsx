import type { UnsentQuestion } from "../lib/unsent-questions";

/** A question the server did not take: its text, why, and Retry (disabled while an answer streams) or Discard. */
export function UnsentQuestionItem({
  question,
  busy,
  onRetry,
  onDiscard,
}: {
  question: UnsentQuestion;
  busy: boolean;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  return (
    <article className="message message-user message-unsent" data-testid="unsent-question" aria-label="You, not sent">
      <p className="message-body">{question.text}</p>
      <p className="unsent-reason" data-testid="unsent-reason">
        Not sent: {question.reason ?? "the page was closed or reloaded before the server took it."}
      </p>
      <div className="recovery-actions">
        <button type="button" className="button-secondary" data-testid="unsent-retry" disabled={busy} onClick={onRetry}>
          Retry
        </button>
        <button type="button" className="button-quiet" data-testid="unsent-discard" onClick={onDiscard}>
          Discard
        </button>
      </div>
    </article>
  );
}
