import type { DocumentStatus } from "../../worker/contract";

/** A status badge, for a document or one of its ingestion jobs. */
export function DocumentStatusBadge({ status, testId }: { status: DocumentStatus; testId?: string }) {
  return (
    <span className={`status status-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}
