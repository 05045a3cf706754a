import { useCallback, useEffect, useState } from "react";
import type { DocumentView } from "../../worker/contract";
import {
  type DocumentDetails,
  deleteDocument,
  getDocument,
  listDocuments,
  reembedDocuments,
  reingestDocument,
  uploadDocument,
} from "../lib/api";
import { ApiError, describeError } from "../lib/api-error";

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
  const [documents, setDocuments] = useState<DocumentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [refreshCount, setRefreshCount] = useState(0);

  // Every change made here ends with a refresh, which also cancels a list request started before the change
  // (its answer could otherwise overwrite the change and stop the polling).
  const refresh = useCallback(() => setRefreshCount((count) => count + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshCount` only triggers the reload.
  useEffect(() => {
    let cancelled = false;
    let pollTimer: number | undefined;
    listDocuments()
      .then((result) => {
        if (cancelled) return;
        setDocuments(result);
        setError(null);
        if (result.some(isInProgress)) pollTimer = window.setTimeout(refresh, pollIntervalMs);
      })
      .catch((reason: unknown) => {
        if (cancelled) return;
        setError(describeError(reason));
        // A network or server error may pass, and must not freeze progress that is still moving; a refusal stays.
        const refused = reason instanceof ApiError && reason.status < 500;
        if (!refused) pollTimer = window.setTimeout(refresh, pollIntervalMs * 5);
      });
    return () => {
      cancelled = true;
      window.clearTimeout(pollTimer);
    };
  }, [refreshCount, refresh]);

  const replaceDocument = useCallback((changed: DocumentView) => {
    setDocuments((current) => (current ?? []).map((document) => (document.id === changed.id ? changed : document)));
  }, []);

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
          setDocuments((current) => [created, ...(current ?? []).filter((document) => document.id !== created.id)]);
        } catch (reason) {
          const message = describeError(reason);
          setUploads((current) =>
            current.map((entry) =>
              entry.fileName === file.name ? { fileName: file.name, status: "failed", error: message } : entry,
            ),
          );
        }
      }
      refresh();
    },
    [refresh],
  );

  const dismissUpload = useCallback((fileName: string) => {
    setUploads((current) => current.filter((entry) => entry.fileName !== fileName));
  }, []);

  const reingest = useCallback(
    async (id: string) => {
      replaceDocument(await reingestDocument(id));
      refresh();
    },
    [refresh, replaceDocument],
  );

  const remove = useCallback(
    async (id: string) => {
      replaceDocument(await deleteDocument(id));
      refresh();
    },
    [refresh, replaceDocument],
  );

  const reembedAll = useCallback(async (): Promise<ReembedResult> => {
    const result = await reembedDocuments();
    refresh();
    return result;
  }, [refresh]);

  return { documents, error, uploads, upload, dismissUpload, reingest, remove, reembedAll };
}

export type DocumentDetailsState =
  | { status: "loading" }
  | { status: "loaded"; details: DocumentDetails }
  | { status: "failed"; error: string };

/**
 * One document with its ingestion jobs. It loads again whenever `revision` changes (pass the listed document's
 * `updatedAt`) and every second while a job is still running, since a job is written just after its document.
 */
export function useDocumentDetails(documentId: string, revision: string): DocumentDetailsState {
  const [state, setState] = useState<DocumentDetailsState>({ status: "loading" });
  const [refreshCount, setRefreshCount] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `revision` and `refreshCount` only trigger the reload.
  useEffect(() => {
    let cancelled = false;
    let pollTimer: number | undefined;
    getDocument(documentId)
      .then((details) => {
        if (cancelled) return;
        setState({ status: "loaded", details });
        if (details.jobs.some((job) => job.status === "processing")) {
          pollTimer = window.setTimeout(() => setRefreshCount((count) => count + 1), pollIntervalMs);
        }
      })
      .catch((reason: unknown) => {
        if (!cancelled) setState({ status: "failed", error: describeError(reason) });
      });
    return () => {
      cancelled = true;
      window.clearTimeout(pollTimer);
    };
  }, [documentId, revision, refreshCount]);

  return state;
}
