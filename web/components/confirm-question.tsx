import type { ReactNode, RefObject } from "react";

/** An inline "Are you sure? Yes / No" for an action that cannot be undone; Escape answers No. */
export function ConfirmQuestion({
  question,
  yesTestId,
  onYes,
  onNo,
  cancelRef,
}: {
  question: ReactNode;
  yesTestId: string;
  onYes: () => void;
  onNo: () => void;
  /** The No button, which takes the focus as the question opens (see `useConfirmationFocus`). */
  cancelRef: RefObject<HTMLButtonElement | null>;
}) {
  return (
    <fieldset
      className="confirm-question"
      onKeyDown={(event) => {
        if (event.key === "Escape") onNo();
      }}
    >
      <legend>{question}</legend>
      <button type="button" className="button-quiet confirm-question-yes" data-testid={yesTestId} onClick={onYes}>
        Yes
      </button>
      <button type="button" className="button-quiet" ref={cancelRef} onClick={onNo}>
        No
      </button>
    </fieldset>
  );
}
