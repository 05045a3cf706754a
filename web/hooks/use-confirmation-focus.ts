import { useEffect, useRef } from "react";

/**
 * Keyboard focus for an inline "Are you sure? Yes / No": on the No button (`cancelRef`) as the question opens,
 * back on the button that asked (`actionRef`) as it closes, instead of falling back to the page.
 */
export function useConfirmationFocus(confirming: boolean) {
  const actionRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) actionRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  return { actionRef, cancelRef };
}
