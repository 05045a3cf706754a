import type { DocumentVersion } from "../db/chunk-staging";
import type { DocumentRow } from "../db/documents";

/**
 * Whether a message is about the document's latest version, still to be indexed. Anything else is done
 * already, or superseded, and is dropped.
 */
export function isPendingVersion(
  document: DocumentRow | undefined,
  message: { tenantId: string; version: number },
): document is DocumentRow {
  return (
    document !== undefined &&
    document.tenantId === message.tenantId &&
    document.version === message.version &&
    document.activeVersion !== document.version
  );
}

export function versionOf(document: DocumentRow): DocumentVersion {
  return { id: document.id, tenantId: document.tenantId, version: document.version };
}
