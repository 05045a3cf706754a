import { useState } from "react";
import { describeError } from "../../client/api-error";
import type { DocumentView } from "../../worker/contract";
import { useConfirmationFocus } from "../hooks/use-confirmation-focus";
import { ConfirmQuestion } from "./confirm-question";
import { ErrorMessage } from "./error-message";

type Action = "reingest" | "delete";

const failureLabels: Record<Action, string> = {
  reingest: "Re-ingest failed",
  delete: "Delete failed",
};

/**
 * A document's actions: open its details, ingest it again, or delete it after an inline confirmation. A failed
 * action shows the API's message right here.
 */
export function DocumentActions({
  document,
  detailsId,
  detailsOpen,
  onToggleDetails,
  onReingest,
  onDelete,
}: {
  document: DocumentView;
  detailsId: string;
  detailsOpen: boolean;
  onToggleDetails: () => void;
  onReingest: () => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [running, setRunning] = useState<Action | null>(null);
  const [failure, setFailure] = useState<{ action: Action; message: string } | null>(null);
  const { actionRef: deleteRef, cancelRef } = useConfirmationFocus(confirming);

  const deleting = document.status === "deleting";
  const title = <span className="visually-hidden"> “{document.title}”</span>;

  async function run(action: Action, perform: () => Promise<void>) {
    setFailure(null);
    setRunning(action);
    try {
      await perform();
    } catch (reason) {
      setFailure({ action, message: describeError(reason) });
    } finally {
      setRunning(null);
    }
  }

  function confirmDelete() {
    setConfirming(false);
    void run("delete", onDelete);
  }

  return (
    <div className="document-actions">
      {confirming ? (
        <ConfirmQuestion
          question={
            <>
              Delete<span className="visually-hidden"> “{document.title}” everywhere</span>?
            </>
          }
          yesTestId="document-delete-confirm"
          onYes={confirmDelete}
          onNo={() => setConfirming(false)}
          cancelRef={cancelRef}
        />
      ) : (
        <>
          <button
            type="button"
            className="button-quiet"
            data-testid="document-details"
            aria-expanded={detailsOpen}
            aria-controls={detailsOpen ? detailsId : undefined}
            onClick={onToggleDetails}
          >
            Details{title}
          </button>
          <button
            type="button"
            className="button-quiet"
            data-testid="document-reingest"
            disabled={deleting || running !== null}
            onClick={() => void run("reingest", onReingest)}
          >
            {running === "reingest" ? "Re-ingesting…" : "Re-ingest"}
            {title}
          </button>
          <button
            type="button"
            className="button-quiet document-delete"
            data-testid="document-delete"
            ref={deleteRef}
            disabled={deleting || running !== null}
            onClick={() => setConfirming(true)}
          >
            {running === "delete" ? "Deleting…" : "Delete"}
            {title}
          </button>
        </>
      )}
      {failure ? (
        <ErrorMessage
          message={`${failureLabels[failure.action]}: ${failure.message}`}
          onDismiss={() => setFailure(null)}
        />
      ) : null}
    </div>
  );
}
