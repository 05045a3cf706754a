import { useId, useState } from "react";
import { describeError } from "../../client/api-error";
import type { ReembedResult } from "../hooks/use-documents";
import { ErrorMessage } from "./error-message";

function describeResult({ queued, embeddingModel }: ReembedResult): string {
  if (queued === 0) return `Nothing to re-embed: every document already uses ${embeddingModel}.`;
  return `Queued ${queued} document${queued === 1 ? "" : "s"} for re-embedding with ${embeddingModel}.`;
}

/** Re-ingests every document indexed with another embedding model, and says how many were queued. */
export function DocumentReembed({ onReembed }: { onReembed: () => Promise<ReembedResult> }) {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  async function reembed() {
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      setResult(describeResult(await onReembed()));
    } catch (reason) {
      setError(`Re-embed failed: ${describeError(reason)}`);
    } finally {
      setRunning(false);
    }
  }

  return (
    <div className="document-reembed">
      <button
        type="button"
        className="button-secondary"
        data-testid="reembed-all"
        aria-describedby={hintId}
        disabled={running}
        onClick={() => void reembed()}
      >
        {running ? "Queuing…" : "Re-embed all"}
      </button>
      <p id={hintId} className="hint">
        Re-ingests the documents indexed with another embedding model than the current one.
      </p>
      <p className="document-reembed-result" role="status" data-testid="reembed-result">
        {result}
      </p>
      {error ? <ErrorMessage message={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
