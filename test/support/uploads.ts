import { expect, vi } from "vitest";
import type { DocumentView } from "../../worker/contract";
import { call, postJson } from "./api";

export interface UploadCreated {
  id: string;
  partSize: number;
  partCount: number;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

export interface UploadRequest {
  filename: string;
  size: number;
  contentType?: string;
  title?: string;
  externalId?: string;
  collection?: string;
}

export function createUpload(token: string, request: UploadRequest): Promise<Response> {
  return postJson("/api/uploads", request, token);
}

/** Creates an upload and expects it to be accepted. */
export async function startUpload(token: string, request: UploadRequest): Promise<UploadCreated> {
  const response = await createUpload(token, request);
  expect(response.status).toBe(201);
  const { upload } = await response.json<{ upload: UploadCreated }>();
  return upload;
}

export function putPart(token: string, uploadId: string, partNumber: number, bytes: Uint8Array): Promise<Response> {
  return call(`/api/uploads/${uploadId}/parts/${partNumber}`, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream" },
    body: bytes,
    token,
  });
}

/** Sends every part of `bytes` in the upload's part size and returns what each PUT answered. */
export async function putAllParts(token: string, upload: UploadCreated, bytes: Uint8Array): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  for (let partNumber = 1; partNumber <= upload.partCount; partNumber++) {
    const start = (partNumber - 1) * upload.partSize;
    const response = await putPart(token, upload.id, partNumber, bytes.subarray(start, start + upload.partSize));
    expect(response.status).toBe(200);
    parts.push(await response.json<UploadedPart>());
  }
  return parts;
}

export function completeUpload(token: string, uploadId: string, parts: UploadedPart[]): Promise<Response> {
  return postJson(`/api/uploads/${uploadId}/complete`, { parts }, token);
}

export function abortUpload(token: string, uploadId: string): Promise<Response> {
  return call(`/api/uploads/${uploadId}`, { method: "DELETE", token });
}

/** The whole multipart flow for one file; resolves with the submitted document. */
export async function uploadInParts(
  token: string,
  request: Omit<UploadRequest, "size">,
  bytes: Uint8Array,
): Promise<DocumentView> {
  const upload = await startUpload(token, { ...request, size: bytes.byteLength });
  const parts = await putAllParts(token, upload, bytes);
  const response = await completeUpload(token, upload.id, parts);
  expect(response.status).toBe(202);
  const { document } = await response.json<{ document: DocumentView }>();
  return document;
}

/** `waitForDocument` with room for large files, whose ingestion fans out into many queue messages. */
export function waitForLargeDocument(token: string, id: string, timeout: number): Promise<DocumentView> {
  return vi.waitUntil(
    async () => {
      const response = await call(`/api/documents/${id}`, { token });
      const { document } = await response.json<{ document: DocumentView }>();
      return document.status === "ready" || document.status === "failed" ? document : false;
    },
    { timeout, interval: 200 },
  );
}
