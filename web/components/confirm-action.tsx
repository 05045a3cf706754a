import { useState } from "react";
import { describeError } from "../../client/api-error";
import { useConfirmationFocus } from "../hooks/use-confirmation-focus";
import { ConfirmQuestion } from "./confirm-question";
import { ErrorMessage } from "./error-message";

/**
 * A button for an action that cannot be undone (revoke), asking "Yes / No" inline before it runs; a failure shows
 * the API's message right here. `subject` names what it acts on for screen readers.
 */
export function ConfirmAction({
  label,
  runningLabel,
  question,
  subject,
  onConfirm,
  testId,
}: {
  label: string;
  runningLabel: string;
  question: string;
  subject: string;
  onConfirm: () => Promise<void>;
  testId: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { actionRef, cancelRef } = useConfirmationFocus(confirming);

  async function confirm() {
    setConfirming(false);
    setRunning(true);
    setError(null);
    try {
      await onConfirm();
    } catch (reason) {
      setError(`${label} failed: ${describeError(reason)}`);
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="confirm-action">
      {confirming ? (
        <ConfirmQuestion
          question={
            <>
              {question}
              <span className="visually-hidden"> ({subject})</span>
            </>
          }
          yesTestId={`${testId}-confirm`}
          onYes={() => void confirm()}
          onNo={() => setConfirming(false)}
          cancelRef={cancelRef}
        />
      ) : (
        <button
          type="button"
          className="button-quiet confirm-action-button"
          data-testid={testId}
          ref={actionRef}
          disabled={running}
          onClick={() => setConfirming(true)}
        >
          {running ? runningLabel : label}
          <span className="visually-hidden"> {subject}</span>
        </button>
      )}
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
