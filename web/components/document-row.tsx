import { useId, useState } from "react";
import type { DocumentView } from "../../worker/contract";
import { DocumentActions } from "./document-actions";
import { DocumentDetails } from "./document-details";
import { DocumentStatusBadge } from "./document-status-badge";
import { DocumentTime } from "./document-time";
import { DocumentTitle } from "./document-title";

/** The columns of a document row, which its details row spans. */
const documentColumnCount = 6;

const contentTypeLabels: Record<string, string> = {
  "text/markdown": "Markdown",
  "text/plain": "Plain text",
  "text/html": "HTML",
  "text/csv": "CSV",
  "application/json": "JSON",
  "application/pdf": "PDF",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
};

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function DocumentProgress({ document }: { document: DocumentView }) {
  const { status, chunksDone, chunksTotal, title } = document;
  if (status === "queued" || status === "processing") {
    // Until the file is parsed the number of chunks is unknown: an indeterminate bar.
    const counted = chunksTotal > 0;
    const label = counted
      ? `${chunksDone} / ${chunksTotal} chunks`
      : status === "queued"
        ? "Waiting in the queue"
        : "Parsing";
    return (
      <>
        <progress
          data-testid="document-progress"
          max={counted ? chunksTotal : undefined}
          value={counted ? chunksDone : undefined}
          aria-label={`${title}: ${label}`}
        />
        <span className="hint">{label}</span>
      </>
    );
  }
  if (status === "deleting") return <span className="hint">Removing files, chunks and vectors</span>;
  return <span className="hint">{chunksTotal > 0 ? `${chunksTotal} chunks` : "—"}</span>;
}

/**
 * One document: title (renamed in place), status, ingestion progress, the reason of the latest failure, type, size and update
 * time, with its actions; its details (versions and ingestion jobs) open in a row under it.
 */
export function DocumentRow({
  document,
  onRename,
  onReingest,
  onDelete,
}: {
  document: DocumentView;
  onRename: (title: string) => Promise<void>;
  onReingest: () => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const [expanded, setExpanded] = useState(false);
  const detailsId = useId();
  const failed = document.status === "failed";
  return (
    <>
      <tr
        className={expanded ? "document-row document-row-expanded" : "document-row"}
        data-testid="document-row"
        data-document-id={document.id}
      >
        <th scope="row" className="document-title">
          <DocumentTitle document={document} onRename={onRename} />
          {document.error ? (
            // Failed for good, or an attempt that failed and will be retried.
            <p
              className={failed ? "document-error" : "document-error document-error-retrying"}
              data-testid="document-error"
            >
              {document.error}
            </p>
          ) : null}
        </th>
        <td>
          <DocumentStatusBadge status={document.status} testId="document-status" />
        </td>
        <td className="document-progress">
          <DocumentProgress document={document} />
        </td>
        <td className="document-type">
          <span title={document.contentType}>{contentTypeLabels[document.contentType] ?? document.contentType}</span>
          <span className="hint">{formatSize(document.size)}</span>
        </td>
        <td className="hint document-updated">
          <DocumentTime value={document.updatedAt} />
        </td>
        <td className="document-actions-cell">
          <DocumentActions
            document={document}
            detailsId={detailsId}
            detailsOpen={expanded}
            onToggleDetails={() => setExpanded((open) => !open)}
            onReingest={onReingest}
            onDelete={onDelete}
          />
        </td>
      </tr>
      {expanded ? (
        <tr className="document-details-row">
          <td id={detailsId} colSpan={documentColumnCount}>
            <DocumentDetails document={document} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
