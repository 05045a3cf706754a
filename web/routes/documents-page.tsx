import { type ChangeEvent, useId } from "react";
import { DocumentRow } from "../components/document-row";
import { ErrorMessage } from "../components/error-message";
import { useDocuments } from "../hooks/use-documents";

/** Uploads documents and shows how their ingestion goes, refreshing while any is in progress. */
export function DocumentsPage({ maxUploadBytes }: { maxUploadBytes: number | null }) {
  const { documents, error, uploads, upload, dismissUpload } = useDocuments();
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
          data-testid="upload-input"
          aria-describedby={hintId}
          onChange={handleFiles}
        />
        <p id={hintId} className="hint">
          Markdown (.md) or plain text (.txt)
          {maxUploadBytes ? `, up to ${formatMegabytes(maxUploadBytes)} each` : ""}. Ingestion runs in the background.
        </p>
        {uploads.length > 0 ? (
          <ul className="upload-list">
            {uploads.map((entry) => (
              <li key={entry.fileName}>
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
        <h2 id={`${inputId}-list-heading`}>Documents</h2>
        {error ? <ErrorMessage message={error} /> : null}
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
                  <th scope="col" className="numeric">
                    Size
                  </th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {documents.map((document) => (
                  <DocumentRow key={document.id} document={document} />
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
