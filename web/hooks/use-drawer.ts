import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

/**
 * A panel that is a drawer at narrow widths (CSS decides when): opened by a toggle, closed by its Close button,
 * Escape, or whenever `closeOn` changes (e.g. another conversation was chosen). Opening moves focus into it (to its
 * Close button); closing it by hand moves focus back to the toggle.
 */
export function useDrawer(closeOn: unknown) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: closing is what a change of `closeOn` means.
  useEffect(() => setOpen(false), [closeOn]);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);

  function closeByHand() {
    setOpen(false);
    toggleRef.current?.focus();
  }

  return {
    open,
    toggleProps: {
      ref: toggleRef,
      "aria-expanded": open,
      "aria-controls": panelId,
      onClick: () => (open ? closeByHand() : setOpen(true)),
    },
    panelProps: {
      id: panelId,
      onKeyDown: (event: KeyboardEvent) => {
        if (open && event.key === "Escape") closeByHand();
      },
    },
    closeProps: { ref: closeRef, onClick: closeByHand },
  };
}
