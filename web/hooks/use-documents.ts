import { useCallback, useEffect, useState } from "react";
import type { DocumentView } from "../../worker/contract";
import { listDocuments, uploadDocument } from "../lib/api";
import { describeError } from "../lib/api-error";

const pollIntervalMs = 1000;

export interface UploadState {
  fileName: string;
  status: "uploading" | "failed";
  error: string | null;
}

function isInProgress(document: DocumentView): boolean {
  return document.status === "queued" || document.status === "processing" || document.status === "deleting";
}

/** The tenant's documents, refreshed every second while any of them is still being ingested, and uploads. */
export function useDocuments() {
  const [documents, setDocuments] = useState<DocumentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploads, setUploads] = useState<UploadState[]>([]);
  const [refreshCount, setRefreshCount] = useState(0);

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
        if (!cancelled) setError(describeError(reason));
      });
    return () => {
      cancelled = true;
      window.clearTimeout(pollTimer);
    };
  }, [refreshCount, refresh]);

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

  return { documents, error, uploads, upload, dismissUpload, refresh };
}
