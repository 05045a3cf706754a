import type { DocumentView } from "../../worker/contract.ts";
import type { LocalFile } from "./find-files.ts";

export type Change = "new" | "updated" | "unchanged";

export interface HashedFile extends LocalFile {
  sha256: string;
}

export interface PlannedFile {
  file: HashedFile;
  change: Change;
}

export interface UploadPlan {
  files: PlannedFile[];
  /** Files that would overwrite another file of this run, because they have the same external id. */
  conflicts: Array<{ file: HashedFile; reason: string }>;
}

/**
 * Compares local files with the server's documents by external id: a file the server does not have is new;
 * one whose SHA-256 differs, or whose last ingestion failed, is updated; the rest are unchanged.
 */
export function planUploads(
  files: HashedFile[],
  documents: Pick<DocumentView, "externalId" | "sha256" | "status">[],
): UploadPlan {
  const documentsByExternalId = new Map(documents.map((document) => [document.externalId, document]));
  const firstPathByExternalId = new Map<string, string>();
  const plan: UploadPlan = { files: [], conflicts: [] };
  for (const file of files) {
    const firstPath = firstPathByExternalId.get(file.externalId);
    if (firstPath !== undefined) {
      plan.conflicts.push({ file, reason: `it has the same external id "${file.externalId}" as ${firstPath}` });
      continue;
    }
    firstPathByExternalId.set(file.externalId, file.path);
    const document = documentsByExternalId.get(file.externalId);
    const change: Change = !document
      ? "new"
      : document.sha256 === file.sha256 && document.status !== "failed"
        ? "unchanged"
        : "updated";
    plan.files.push({ file, change });
  }
  return plan;
}
