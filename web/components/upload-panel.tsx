import { type ChangeEvent, type DragEvent, useId, useState } from "react";
import { collectionSchema } from "../../worker/contract";
import { formatMegabytes } from "../../worker/lib/format-megabytes";
import type { UploadRequest, UploadState } from "../hooks/use-documents";
import { droppedFiles } from "../lib/dropped-files";
import { ErrorMessage } from "./error-message";

/** The extensions the server ingests; it recognises the type by the file's bytes, so this only guides the picker. */
const acceptedFiles = ".md,.markdown,.txt,.html,.htm,.pdf,.docx,.csv,.json";

function UploadProgress({ entry, onDismiss }: { entry: UploadState; onDismiss: () => void }) {
  if (entry.status === "failed") {
    return (
      <li data-testid="upload-error" data-file-name={entry.fileName}>
        <ErrorMessage message={`${entry.fileName}: ${entry.error ?? "upload failed"}`} onDismiss={onDismiss} />
      </li>
    );
  }
  const percent = entry.size === 0 ? 100 : Math.round((entry.sent / entry.size) * 100);
  const label = entry.status === "uploaded" ? "uploaded" : `${percent}%`;
  return (
    <li className="upload-file" data-testid="upload-file" data-file-name={entry.fileName} data-status={entry.status}>
      <span className="upload-file-name">{entry.fileName}</span>
      <progress
        data-testid="upload-progress"
        max={Math.max(entry.size, 1)}
        value={entry.size === 0 ? 1 : entry.sent}
        aria-label={`${entry.fileName}: ${label}`}
      />
      <span className="hint">{label}</span>
    </li>
  );
}

/**
 * Uploading documents: files dropped on the zone (folders included) or chosen with the file or folder picker, into
 * the collection named here, each with its own progress bar; a file the server refuses shows why, and the others go
 * on.
 */
export function UploadPanel({
  maxUploadBytes,
  collections,
  uploads,
  onUpload,
  onDismiss,
  onClearUploaded,
}: {
  maxUploadBytes: number | null;
  /** Collections in use, suggested as the field is filled in. */
  collections: string[];
  uploads: UploadState[];
  onUpload: (request: UploadRequest) => void;
  onDismiss: (id: string) => void;
  onClearUploaded: () => void;
}) {
  const id = useId();
  const [collection, setCollection] = useState("");
  const [dragging, setDragging] = useState(false);
  const collectionError =
    collection.trim() === "" || collectionSchema.safeParse(collection.trim()).success
      ? null
      : "A collection name is 1-64 characters, without control characters.";

  function send(files: File[]) {
    if (files.length === 0 || collectionError) return;
    // Without the server's limit every file goes in one request, and a too-large one is refused with 413.
    onUpload({ files, collection, maxSingleRequestBytes: maxUploadBytes ?? Number.POSITIVE_INFINITY });
  }

  function handlePicked(event: ChangeEvent<HTMLInputElement>) {
    const files = Array.from(event.target.files ?? []);
    // Cleared so that choosing the same files again uploads them again.
    event.target.value = "";
    send(files);
  }

  function handleDragOver(event: DragEvent<HTMLFieldSetElement>) {
    if (!event.dataTransfer.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  function handleDrop(event: DragEvent<HTMLFieldSetElement>) {
    event.preventDefault();
    setDragging(false);
    void droppedFiles(event.dataTransfer).then(send);
  }

  const finished = uploads.some((entry) => entry.status === "uploaded");
  return (
    <section className="panel upload" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Upload documents</h2>
      <fieldset
        className={dragging ? "drop-zone drop-zone-active" : "drop-zone"}
        data-testid="drop-zone"
        onDragOver={handleDragOver}
        onDragLeave={() => setDragging(false)}
        onDrop={handleDrop}
      >
        <legend>Drop files or folders here, or choose them</legend>
        <div className="upload-pickers">
          <label className="button-secondary upload-picker">
            Choose files
            <input
              type="file"
              multiple
              accept={acceptedFiles}
              className="visually-hidden"
              data-testid="upload-input"
              aria-describedby={`${id}-hint`}
              onChange={handlePicked}
            />
          </label>
          <label className="button-secondary upload-picker">
            Choose a folder
            <input
              type="file"
              multiple
              className="visually-hidden"
              data-testid="upload-folder-input"
              aria-describedby={`${id}-hint`}
              ref={(input) => {
                if (input) input.webkitdirectory = true;
              }}
              onChange={handlePicked}
            />
          </label>
        </div>
      </fieldset>
      <div className="upload-collection">
        <label htmlFor={`${id}-collection`}>Collection</label>
        <input
          id={`${id}-collection`}
          data-testid="upload-collection"
          list={`${id}-collections`}
          placeholder="default"
          maxLength={64}
          value={collection}
          aria-invalid={collectionError ? true : undefined}
          aria-describedby={collectionError ? `${id}-collection-error` : undefined}
          onChange={(event) => setCollection(event.target.value)}
        />
        <datalist id={`${id}-collections`}>
          {collections.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        {collectionError ? (
          <p id={`${id}-collection-error`} className="field-error">
            {collectionError}
          </p>
        ) : null}
      </div>
      <p id={`${id}-hint`} className="hint">
        Markdown, plain text, HTML, PDF, DOCX, CSV or JSON
        {maxUploadBytes ? `; files over ${formatMegabytes(maxUploadBytes)} are sent in parts` : ""}. Titles come from
        each document's own title or first heading. Ingestion runs in the background.
      </p>
      {uploads.length > 0 ? (
        <>
          <ul className="upload-list" aria-label="Uploads">
            {uploads.map((entry) => (
              <UploadProgress key={entry.id} entry={entry} onDismiss={() => onDismiss(entry.id)} />
            ))}
          </ul>
          {finished ? (
            <button type="button" className="button-quiet" onClick={onClearUploaded}>
              Clear uploaded
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
