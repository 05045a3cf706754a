import { useId } from "react";
import type { DocumentView } from "../../worker/contract";
import { DocumentReembed } from "../components/document-reembed";
import { DocumentRow } from "../components/document-row";
import { ErrorMessage } from "../components/error-message";
import { UploadPanel } from "../components/upload-panel";
import { isInProgress, useDocuments } from "../hooks/use-documents";

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
 * The admin's view of the tenant's documents: upload (drag and drop, files or folders, into a collection), watch
 * ingestion, see why one failed, inspect its jobs, rename, ask about one, re-ingest, delete, and re-embed everything
 * after an embedding model change. Refreshes while work is going on.
 */
export function DocumentsPage({ maxUploadBytes }: { maxUploadBytes: number | null }) {
  const { documents, error, uploads, upload, dismissUpload, clearUploaded, rename, reingest, remove, reembedAll } =
    useDocuments();
  const inputId = useId();

  return (
    <div className="documents-page">
      <UploadPanel
        maxUploadBytes={maxUploadBytes}
        collections={[...new Set((documents ?? []).map((document) => document.collection))]}
        uploads={uploads}
        onUpload={(request) => void upload(request)}
        onDismiss={dismissUpload}
        onClearUploaded={clearUploaded}
      />

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
                    onRename={(title) => rename(document.id, title)}
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
