import { useCallback, useState } from "react";
import { ApiError, describeError } from "../../client/api-error";
import type { DocumentView } from "../../worker/contract";
import {
  deleteDocument,
  getDocument,
  listDocuments,
  reembedDocuments,
  reingestDocument,
  uploadDocument,
} from "../lib/api";
import { type LoadOutcome, useApiData } from "./use-api-data";

const pollIntervalMs = 1000;

export interface UploadState {
  fileName: string;
  status: "uploading" | "failed";
  error: string | null;
}

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
 * with uploads and the admin actions. Actions throw their API error so the control that ran them can show it.
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

  const upload = useCallback(
    async (files: readonly File[]) => {
      for (const file of files) {
        setUploads((current) => [
          ...current.filter((entry) => entry.fileName !== file.name),
          { fileName: file.name, status: "uploading", error: null },
        ]);
        try {
          const created = await uploadDocument(file);
          setUploads((current) => current.filter((entry) => entry.fileName !== file.name));
          update((current) => [created, ...current.filter((document) => document.id !== created.id)]);
        } catch (reason) {
          const message = describeError(reason);
          setUploads((current) =>
            current.map((entry) =>
              entry.fileName === file.name ? { fileName: file.name, status: "failed", error: message } : entry,
            ),
          );
        }
      }
      reload();
    },
    [reload, update],
  );

  const dismissUpload = useCallback((fileName: string) => {
    setUploads((current) => current.filter((entry) => entry.fileName !== fileName));
  }, []);

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

  return { documents: documents ?? null, error, uploads, upload, dismissUpload, reingest, remove, reembedAll };
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
