import { type ChangeEvent, useId } from "react";
import type { DocumentView } from "../../worker/contract";
import { DocumentReembed } from "../components/document-reembed";
import { DocumentRow } from "../components/document-row";
import { ErrorMessage } from "../components/error-message";
import { isInProgress, useDocuments } from "../hooks/use-documents";

/** The extensions the server ingests; it recognises the type by the file's bytes, so this only guides the picker. */
const acceptedFiles = ".md,.markdown,.txt,.html,.htm,.pdf,.docx,.csv,.json";

function summarize(documents: readonly DocumentView[]): string {
  const ready = documents.filter((document) => document.status === "ready").length;
  const failed = documents.filter((document) => document.status === "failed").length;
  const working = documents.filter(isInProgress).length;
  const parts = [`${documents.length} document${documents.length === 1 ? "" : "s"}`, `${ready} ready`];
  if (working > 0) parts.push(`${working} in progress`);
  if (failed > 0) parts.push(`${failed} failed`);
  return parts.join(" · ");
}

/**
 * The admin's view of the tenant's documents: upload, watch ingestion, see why one failed, inspect its jobs,
 * re-ingest, delete, and re-embed everything after an embedding model change. Refreshes while work is going on.
 */
export function DocumentsPage({ maxUploadBytes }: { maxUploadBytes: number | null }) {
  const { documents, error, uploads, upload, dismissUpload, reingest, remove, reembedAll } = useDocuments();
  const inputId = useId();
  const hintId = useId();

  function handleFiles(event: ChangeEvent<HTMLInputElement>) {
    const files = Array.from(event.target.files ?? []);
    // Clear the input so choosing the same file again uploads it again.
    event.target.value = "";
    if (files.length > 0) void upload(files);
  }

  return (
    <div className="documents-page">
      <section className="panel upload" aria-labelledby={`${inputId}-heading`}>
        <h2 id={`${inputId}-heading`}>Upload documents</h2>
        <label htmlFor={inputId} className="upload-label">
          Choose files
        </label>
        <input
          id={inputId}
          type="file"
          multiple
          accept={acceptedFiles}
          data-testid="upload-input"
          aria-describedby={hintId}
          onChange={handleFiles}
        />
        <p id={hintId} className="hint">
          Markdown, plain text, HTML, PDF, DOCX, CSV or JSON
          {maxUploadBytes ? `, up to ${formatMegabytes(maxUploadBytes)} each` : ""}. Ingestion runs in the background.
        </p>
        {uploads.length > 0 ? (
          <ul className="upload-list">
            {uploads.map((entry) => (
              <li key={entry.fileName} data-testid={entry.status === "failed" ? "upload-error" : undefined}>
                {entry.status === "uploading" ? (
                  <span role="status">Uploading {entry.fileName}…</span>
                ) : (
                  <ErrorMessage
                    message={`${entry.fileName}: ${entry.error ?? "upload failed"}`}
                    onDismiss={() => dismissUpload(entry.fileName)}
                  />
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section className="panel" aria-labelledby={`${inputId}-list-heading`}>
        <div className="documents-header">
          <div>
            <h2 id={`${inputId}-list-heading`}>Documents</h2>
            {documents && documents.length > 0 ? <p className="hint">{summarize(documents)}</p> : null}
          </div>
          <DocumentReembed onReembed={reembedAll} />
        </div>
        {error ? <ErrorMessage message={`Could not list the documents: ${error}`} /> : null}
        {documents === null ? (
          error ? null : (
            <p className="hint" role="status">
              Loading documents…
            </p>
          )
        ) : documents.length === 0 ? (
          <p className="hint">No documents yet. Upload one to start asking questions about it.</p>
        ) : (
          <div className="table-scroll">
            <table className="documents-table">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Type and size</th>
                  <th scope="col">Updated</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {documents.map((document) => (
                  <DocumentRow
                    key={document.id}
                    document={document}
                    onReingest={() => reingest(document.id)}
                    onDelete={() => remove(document.id)}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function formatMegabytes(bytes: number): string {
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}
