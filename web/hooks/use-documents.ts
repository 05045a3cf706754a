import { useCallback, useState } from "react";
import { ApiError, describeError } from "../../client/api-error";
import type { DocumentView } from "../../worker/contract";
import {
  deleteDocument,
  getDocument,
  listDocuments,
  reembedDocuments,
  reingestDocument,
  renameDocument,
  uploadDocument,
} from "../lib/api";
import { type LoadOutcome, useApiData } from "./use-api-data";

const pollIntervalMs = 1000;

/** One file of an upload, as the page shows it: how much of it was sent, and how it ended. */
export interface UploadState {
  /** Unique within the page's uploads: two files of a folder may share a name. */
  id: string;
  fileName: string;
  size: number;
  sent: number;
  status: "uploading" | "uploaded" | "failed";
  error: string | null;
}

/** How the page sends files: into which collection, and up to which size in one request. */
export interface UploadRequest {
  files: readonly File[];
  collection: string;
  maxSingleRequestBytes: number;
}

/** Files sent at once: enough to keep the connection busy with small files, few enough for steady progress. */
const concurrentUploads = 3;

export interface ReembedResult {
  queued: number;
  embeddingModel: string;
}

/** True while the server is still working on the document: ingesting it or deleting it. */
export function isInProgress(document: DocumentView): boolean {
  return document.status === "queued" || document.status === "processing" || document.status === "deleting";
}

/**
 * The tenant's documents, refreshed every second while any of them is queued, processing or being deleted,
 * with uploads (a few files at a time, each with its progress) and the admin actions. Actions throw their API
 * error so the control that ran them can show it.
 */
export function useDocuments() {
  // Every change made here ends with a reload, which also abandons a list request started before the change (its
  // answer could otherwise overwrite the change and stop the polling).
  const {
    data: documents,
    error,
    reload,
    update,
  } = useApiData("documents", (_, signal) => listDocuments(signal), { reloadAfter: whileDocumentsChange });
  const [uploads, setUploads] = useState<UploadState[]>([]);

  const replaceDocument = useCallback(
    (changed: DocumentView) =>
      update((current) => current.map((document) => (document.id === changed.id ? changed : document))),
    [update],
  );

  // Each file is sent on its own: one that is refused (too large, not a document) leaves the others going.
  const upload = useCallback(
    async ({ files, collection, maxSingleRequestBytes }: UploadRequest) => {
      const entries = files.map((file) => ({ file, id: `${file.name}\n${crypto.randomUUID()}` }));
      const change = (id: string, changes: Partial<UploadState>) =>
        setUploads((current) => current.map((entry) => (entry.id === id ? { ...entry, ...changes } : entry)));
      setUploads((current) => [
        ...current,
        ...entries.map(({ file, id }) => ({
          id,
          fileName: file.webkitRelativePath || file.name,
          size: file.size,
          sent: 0,
          status: "uploading" as const,
          error: null,
        })),
      ]);
      const send = async ({ file, id }: (typeof entries)[number]) => {
        try {
          const created = await uploadDocument(file, {
            collection,
            maxSingleRequestBytes,
            onSent: (sent) => change(id, { sent }),
          });
          change(id, { status: "uploaded", sent: file.size });
          update((current) => [created, ...current.filter((document) => document.id !== created.id)]);
        } catch (reason) {
          change(id, { status: "failed", error: describeError(reason) });
        }
      };
      const waiting = [...entries];
      const worker = async () => {
        for (let next = waiting.shift(); next; next = waiting.shift()) await send(next);
      };
      await Promise.all(Array.from({ length: Math.min(concurrentUploads, entries.length) }, worker));
      reload();
    },
    [reload, update],
  );

  const dismissUpload = useCallback((id: string) => {
    setUploads((current) => current.filter((entry) => entry.id !== id));
  }, []);

  /** Clears the files that finished uploading from the list; failed ones stay until dismissed. */
  const clearUploaded = useCallback(() => {
    setUploads((current) => current.filter((entry) => entry.status !== "uploaded"));
  }, []);

  const rename = useCallback(
    async (id: string, title: string) => {
      replaceDocument(await renameDocument(id, title));
      reload();
    },
    [reload, replaceDocument],
  );

  const reingest = useCallback(
    async (id: string) => {
      replaceDocument(await reingestDocument(id));
      reload();
    },
    [reload, replaceDocument],
  );

  const remove = useCallback(
    async (id: string) => {
      replaceDocument(await deleteDocument(id));
      reload();
    },
    [reload, replaceDocument],
  );

  const reembedAll = useCallback(async (): Promise<ReembedResult> => {
    const result = await reembedDocuments();
    reload();
    return result;
  }, [reload]);

  return {
    documents: documents ?? null,
    error,
    uploads,
    upload,
    dismissUpload,
    clearUploaded,
    rename,
    reingest,
    remove,
    reembedAll,
  };
}

/** Polls every second while a document is being worked on; after a failure that may pass, every five seconds. */
function whileDocumentsChange(outcome: LoadOutcome<DocumentView[]>): number | null {
  if ("data" in outcome) return outcome.data.some(isInProgress) ? pollIntervalMs : null;
  // A network or server error may pass, and must not freeze progress that is still moving; a refusal stays.
  const refused = outcome.error instanceof ApiError && outcome.error.status < 500;
  return refused ? null : pollIntervalMs * 5;
}

/**
 * One document with its ingestion jobs. It loads again whenever `revision` changes (pass the listed document's
 * `updatedAt`) and every second while a job is still running, since a job is written just after its document.
 */
export function useDocumentDetails(documentId: string, revision: string) {
  return useApiData(`${documentId} ${revision}`, (_, signal) => getDocument(documentId, signal), {
    reloadAfter: (outcome) =>
      "data" in outcome && outcome.data.jobs.some((job) => job.status === "processing") ? pollIntervalMs : null,
  });
}
