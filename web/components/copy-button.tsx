import { useEffect, useState } from "react";
import { copyText } from "../lib/copy-text";

// How long "Copied" shows before the button reads "Copy" again.
const confirmationMs = 2000;

/** A button that copies `text()` to the clipboard and says whether it worked. */
export function CopyButton({ text, label, testId }: { text: () => string; label: string; testId: string }) {
  const [outcome, setOutcome] = useState<"copied" | "failed" | null>(null);
  useEffect(() => {
    if (outcome === null) return;
    const timer = setTimeout(() => setOutcome(null), confirmationMs);
    return () => clearTimeout(timer);
  }, [outcome]);
  return (
    <button
      type="button"
      className="button-secondary message-action"
      data-testid={testId}
      aria-label={label}
      onClick={() => void copyText(text()).then((copied) => setOutcome(copied ? "copied" : "failed"))}
    >
      {outcome === "copied" ? "Copied" : outcome === "failed" ? "Copy failed" : "Copy"}
    </button>
  );
}
