import type { ChatScope } from "../lib/chat-scope";

/** "Asking about: <title>": what the conversation's questions are restricted to, with a button to remove it. */
export function ScopeChip({ scope, onRemove }: { scope: ChatScope; onRemove: () => void }) {
  const what = scope.kind === "collection" ? `the collection “${scope.label}”` : `“${scope.label}”`;
  return (
    <p className="scope-chip" data-testid="scope-chip" data-scope-kind={scope.kind}>
      <span>
        Asking about: <strong>{scope.kind === "collection" ? `${scope.label} (collection)` : scope.label}</strong>
      </span>
      <button
        type="button"
        className="button-quiet scope-chip-remove"
        data-testid="scope-chip-remove"
        aria-label={`Stop restricting questions to ${what}`}
        onClick={onRemove}
      >
        ×
      </button>
    </p>
  );
}
