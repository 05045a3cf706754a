import { useId, useState } from "react";

/**
 * A secret the server gives out only once (a new API key, a webhook signing secret), in a box to select or copy,
 * with a note that it cannot be shown again.
 */
export function SecretOnce({
  label,
  value,
  note,
  onDone,
  testId,
}: {
  label: string;
  value: string;
  /** What else the reader should know, after the "shown only now" warning. */
  note?: string;
  onDone: () => void;
  testId: string;
}) {
  const [copied, setCopied] = useState(false);
  const inputId = useId();
  const noteId = useId();

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // The clipboard can be refused (no permission, no secure context): the box stays selectable.
      setCopied(false);
    }
  }

  return (
    <div className="secret-once" data-testid={testId}>
      <label htmlFor={inputId}>{label}</label>
      <div className="secret-once-value">
        <input
          id={inputId}
          readOnly
          value={value}
          aria-describedby={noteId}
          data-testid={`${testId}-value`}
          onFocus={(event) => event.target.select()}
        />
        <button type="button" className="button-secondary" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <p id={noteId} className="secret-once-note">
        Shown only now: copy it and keep it somewhere safe; the server keeps no readable copy.{note ? ` ${note}` : ""}
      </p>
      <button type="button" className="button-quiet" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
