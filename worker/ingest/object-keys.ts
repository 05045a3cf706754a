/**
 * R2 layout. The app's own files live under `documents/`; people drop files for ingestion under
 * `inbox/<tenant>/…` (rclone, the S3 API), and the bucket's event notifications are set up for that prefix
 * only, so the app's own writes never trigger ingestion.
 */
export const inboxPrefix = "inbox/";

/** Everything stored for one document: its versions and multipart uploads. */
export function documentPrefix(tenantId: string, documentId: string): string {
  return `documents/${tenantId}/${documentId}/`;
}

export function versionObjectKey(tenantId: string, documentId: string, version: number): string {
  return `${documentPrefix(tenantId, documentId)}v${version}`;
}

/** A file fetched from a URL document's URL, before it becomes a version. */
export function fetchedObjectKey(tenantId: string, documentId: string, fetchId: string): string {
  return `${documentPrefix(tenantId, documentId)}fetched-${fetchId}`;
}

export function uploadObjectKey(tenantId: string, documentId: string, uploadId: string): string {
  return `${documentPrefix(tenantId, documentId)}upload-${uploadId}`;
}

/** The tenant and path of an object dropped into the inbox, or null for any other key. */
export function parseInboxKey(key: string): { tenantId: string; path: string } | null {
  const match = /^inbox\/([a-z0-9-]{1,64})\/(.+[^/])$/.exec(key);
  return match?.[1] && match[2] ? { tenantId: match[1], path: match[2] } : null;
}
