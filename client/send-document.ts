import type { DocumentView } from "../worker/contract.ts";
import { type ApiClient, readBody } from "./api-client.ts";

/** A document to send: what the server is told about it, and how to read its bytes. */
export interface OutgoingDocument {
  filename: string;
  size: number;
  contentType?: string;
  externalId?: string;
  collection?: string;
  /** `length` bytes from `offset`. */
  read(offset: number, length: number): Promise<Uint8Array<ArrayBuffer>>;
}

/** Progress within requests, where the runtime can report it (the browser: `client/upload-progress-fetch.ts`). */
export interface UploadProgress {
  /** A `fetch` for the requests that carry the document, which calls `onShare` with the share of the body sent. */
  fetch: (onShare: (share: number) => void) => typeof fetch;
  /** Called with how many of the document's bytes have been sent so far. */
  onSent: (bytes: number) => void;
}

export interface SendOptions {
  /** Documents up to this size go in one request (`POST /api/documents`); larger ones in parts. */
  maxSingleRequestBytes: number;
  /** Called as bytes of the document reach the server. */
  onBytes?: (bytes: number) => void;
  progress?: UploadProgress;
}

/**
 * Submits a document for ingestion: in one multipart form, or, above `maxSingleRequestBytes`, as an upload in parts of
 * the size the server chooses (`POST /api/uploads`, a `PUT` per part, then `complete`), which is aborted if a step
 * fails so its parts are not kept.
 */
export async function sendDocument(
  api: ApiClient,
  { read, filename, size, contentType, externalId, collection }: OutgoingDocument,
  { maxSingleRequestBytes, onBytes = () => {}, progress }: SendOptions,
): Promise<DocumentView> {
  let reached = 0;
  const received = (bytes: number) => {
    reached += bytes;
    onBytes(bytes);
    progress?.onSent(reached);
  };
  // The request carrying the next `bytes` of the document reports them as its body goes out.
  const carrying = (bytes: number) =>
    progress ? { fetch: progress.fetch((share) => progress.onSent(reached + Math.floor(share * bytes))) } : {};
  if (size <= maxSingleRequestBytes) {
    const file = new File([await read(0, size)], filename, { type: contentType ?? "" });
    const { document } = await readBody(
      api.documents.$post({ form: { file, externalId, collection } }, carrying(size)),
    );
    received(size);
    return document;
  }
  const { upload } = await readBody(
    api.uploads.$post({ json: { filename, size, contentType, externalId, collection } }),
  );
  const uploadCalls = api.uploads[":id"];
  try {
    const parts = [];
    for (let partNumber = 1; partNumber <= upload.partCount; partNumber++) {
      const offset = (partNumber - 1) * upload.partSize;
      const bytes = await read(offset, Math.min(upload.partSize, size - offset));
      // A part is raw bytes, which the typed call has no input for: they go as the request body.
      const sent = uploadCalls.parts[":partNumber"].$put(
        { param: { id: upload.id, partNumber: String(partNumber) } },
        {
          headers: { "Content-Type": "application/octet-stream" },
          init: { body: bytes },
          ...carrying(bytes.byteLength),
        },
      );
      parts.push(await readBody(sent));
      received(bytes.byteLength);
    }
    return (await readBody(uploadCalls.complete.$post({ param: { id: upload.id }, json: { parts } }))).document;
  } catch (error) {
    // Frees the parts stored so far; the server answers 204 even when it already aborted the upload itself.
    await uploadCalls.$delete({ param: { id: upload.id } }).catch(() => undefined);
    throw error;
  }
}
