import { useEffect, useRef } from "react";

/**
 * Keyboard focus for an inline "Are you sure? Yes / No" (or another small inline form): on the No button, or the
 * form's field (`cancelRef`), as the question opens, back on the button that asked (`actionRef`) as it closes,
 * instead of falling back to the page.
 */
export function useConfirmationFocus<Opened extends HTMLElement = HTMLButtonElement>(confirming: boolean) {
  const actionRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<Opened>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) actionRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  return { actionRef, cancelRef };
}
