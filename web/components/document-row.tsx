import type { DocumentView } from "../../worker/contract";

const statusLabels: Record<DocumentView["status"], string> = {
  queued: "queued",
  processing: "processing",
  ready: "ready",
  failed: "failed",
  deleting: "deleting",
};

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** One document: title, ingestion status and progress, and the reason when it failed. */
export function DocumentRow({ document }: { document: DocumentView }) {
  const inProgress = document.status === "queued" || document.status === "processing";
  return (
    <tr data-testid="document-row" data-document-id={document.id}>
      <th scope="row" className="document-title">
        {document.title}
        {document.error ? <p className="document-error">{document.error}</p> : null}
      </th>
      <td>
        <span className={`status status-${document.status}`} data-testid="document-status">
          {statusLabels[document.status]}
        </span>
      </td>
      <td className="document-progress">
        {inProgress && document.chunksTotal > 0 ? (
          <progress
            max={document.chunksTotal}
            value={document.chunksDone}
            aria-label={`${document.title}: ${document.chunksDone} of ${document.chunksTotal} chunks`}
          />
        ) : null}
        <span className="hint">
          {document.chunksTotal > 0 ? `${document.chunksDone} / ${document.chunksTotal} chunks` : "—"}
        </span>
      </td>
      <td className="numeric">{formatSize(document.size)}</td>
      <td className="hint">
        <time dateTime={document.updatedAt}>{formatTime(document.updatedAt)}</time>
      </td>
    </tr>
  );
}
