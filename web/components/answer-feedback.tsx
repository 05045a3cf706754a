import { type FormEvent, useId, useState } from "react";
import { describeError } from "../../client/api-error";
import { type MessageFeedbackView, maxFeedbackCommentLength } from "../../worker/contract";
import { rateAnswer } from "../lib/api";
import { ErrorMessage } from "./error-message";
import { ThumbIcon } from "./thumb-icon";

type Rating = MessageFeedbackView["rating"];

const ratings: readonly Rating[] = ["up", "down"];

/**
 * Thumbs up and down on an answer, and an optional comment: a thumb saves the rating at once and opens the comment
 * box; the rating is the user's own and replaces their earlier one.
 */
export function AnswerFeedback({
  conversationId,
  messageId,
  feedback,
  onSaved,
}: {
  conversationId: string;
  messageId: string;
  feedback: MessageFeedbackView | undefined;
  onSaved: (feedback: MessageFeedbackView) => void;
}) {
  const [commenting, setCommenting] = useState(false);
  const [comment, setComment] = useState(feedback?.comment ?? "");
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const commentId = useId();

  const save = async (rating: Rating, withComment: string) => {
    setSaving(true);
    try {
      const trimmed = withComment.trim();
      onSaved(await rateAnswer(conversationId, messageId, trimmed ? { rating, comment: trimmed } : { rating }));
      setError(null);
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const rate = (rating: Rating) => {
    setCommenting(true);
    void save(rating, comment);
  };

  const submitComment = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!feedback) return;
    void save(feedback.rating, comment).then((saved) => {
      if (saved) setCommenting(false);
    });
  };

  return (
    <>
      {ratings.map((rating) => (
        <button
          key={rating}
          type="button"
          className="button-secondary message-action"
          data-testid={`feedback-${rating}`}
          aria-label={rating === "up" ? "Good answer" : "Bad answer"}
          aria-pressed={feedback?.rating === rating}
          disabled={saving}
          onClick={() => rate(rating)}
        >
          <ThumbIcon direction={rating} />
        </button>
      ))}
      {commenting && feedback ? (
        <form className="feedback-form" onSubmit={submitComment}>
          <label htmlFor={commentId} className="hint">
            Thanks! Tell us more (optional)
          </label>
          <textarea
            id={commentId}
            data-testid="feedback-comment"
            rows={2}
            maxLength={maxFeedbackCommentLength}
            value={comment}
            onChange={(event) => setComment(event.target.value)}
          />
          <div className="message-actions">
            <button type="submit" className="button-secondary" data-testid="feedback-save" disabled={saving}>
              Send comment
            </button>
            <button type="button" className="button-quiet" onClick={() => setCommenting(false)}>
              Close
            </button>
          </div>
        </form>
      ) : null}
      {error ? (
        <ErrorMessage message={`Could not save your feedback: ${error}`} onDismiss={() => setError(null)} />
      ) : null}
    </>
  );
}
