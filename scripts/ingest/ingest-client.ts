import { open, readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { DocumentView } from "../../worker/contract.ts";
import type { LocalFile } from "./find-files.ts";

/** Files up to this size go in one request; larger ones in parts (the server may allow less). */
export const singleRequestLimit = 8 * 1024 * 1024;

/** An answer from the server that is not a success, with the server's own message. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ServerHealth {
  devAuth: boolean;
  limits: { maxUploadBytes: number };
}

export interface UploadOptions {
  collection: string | null;
  /** Called as bytes of the file reach the server. */
  onBytes: (bytes: number) => void;
}

/** The calls the CLI makes to the server's HTTP API. */
export interface IngestClient {
  listDocuments(): Promise<DocumentView[]>;
  getDocument(id: string): Promise<DocumentView>;
  uploadFile(file: LocalFile, options: UploadOptions): Promise<DocumentView>;
}

type Fetch = typeof fetch;

/** Checks the server answers and says what it allows; the failure names the URL it tried. */
export async function readHealth(baseUrl: string, fetchImplementation: Fetch = fetch): Promise<ServerHealth> {
  let response: Response;
  try {
    response = await fetchImplementation(`${baseUrl}/api/health`);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`Cannot reach the server at ${baseUrl} (${cause}); start it with npm start or pass --url`);
  }
  return readJson<ServerHealth>(response);
}

/** The token to use: the one given, else a development token for `tenant` when the server issues them. */
export async function resolveToken(
  { baseUrl, token, tenant, health }: { baseUrl: string; token: string | null; tenant: string; health: ServerHealth },
  fetchImplementation: Fetch = fetch,
): Promise<string> {
  if (token) return token;
  if (!health.devAuth) {
    throw new Error("The server does not issue development tokens: pass --token or set RAG_TOKEN to an admin token");
  }
  const response = await fetchImplementation(`${baseUrl}/api/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role: "admin", tenant }),
  });
  return (await readJson<{ token: string }>(response)).token;
}

export function createIngestClient(
  { baseUrl, token, health }: { baseUrl: string; token: string; health: ServerHealth },
  fetchImplementation: Fetch = fetch,
): IngestClient {
  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    const response = await fetchImplementation(`${baseUrl}${path}`, { ...init, headers });
    if (!response.ok) await readJson(response);
    return response;
  };
  const request = async <Body>(path: string, init: RequestInit = {}): Promise<Body> =>
    readJson<Body>(await send(path, init));
  const postJson = <Body>(path: string, body: unknown) =>
    request<Body>(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const maxSingleRequestBytes = Math.min(singleRequestLimit, health.limits.maxUploadBytes);

  async function uploadInOneRequest(file: LocalFile, { collection, onBytes }: UploadOptions) {
    const form = new FormData();
    form.append("file", new File([await readFile(file.path)], basename(file.path), { type: file.contentType }));
    form.append("externalId", file.externalId);
    if (collection) form.append("collection", collection);
    const { document } = await request<{ document: DocumentView }>("/api/documents", { method: "POST", body: form });
    onBytes(file.size);
    return document;
  }

  async function uploadInParts(file: LocalFile, { collection, onBytes }: UploadOptions) {
    const { upload } = await postJson<{ upload: { id: string; partSize: number; partCount: number } }>("/api/uploads", {
      filename: basename(file.path),
      size: file.size,
      contentType: file.contentType,
      externalId: file.externalId,
      ...(collection ? { collection } : {}),
    });
    const handle = await open(file.path);
    try {
      const parts = [];
      for (let partNumber = 1; partNumber <= upload.partCount; partNumber++) {
        const offset = (partNumber - 1) * upload.partSize;
        const buffer = new Uint8Array(Math.min(upload.partSize, file.size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, offset);
        if (bytesRead !== buffer.byteLength) throw new Error(`${file.path} changed while it was being uploaded`);
        parts.push(
          await request<{ partNumber: number; etag: string }>(`/api/uploads/${upload.id}/parts/${partNumber}`, {
            method: "PUT",
            headers: { "Content-Type": "application/octet-stream" },
            body: buffer,
          }),
        );
        onBytes(buffer.byteLength);
      }
      const { document } = await postJson<{ document: DocumentView }>(`/api/uploads/${upload.id}/complete`, { parts });
      return document;
    } catch (error) {
      // Frees the parts stored so far; the server answers 204 even when it already aborted the upload itself.
      await send(`/api/uploads/${upload.id}`, { method: "DELETE" }).catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
  }

  return {
    listDocuments: async () => (await request<{ documents: DocumentView[] }>("/api/documents")).documents,
    getDocument: async (id) => (await request<{ document: DocumentView }>(`/api/documents/${id}`)).document,
    uploadFile: (file, options) =>
      file.size <= maxSingleRequestBytes ? uploadInOneRequest(file, options) : uploadInParts(file, options),
  };
}

/** The JSON body of a success, or an ApiError with the server's message. */
async function readJson<Body>(response: Response): Promise<Body> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `The server answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const message = errorMessage(body) ?? text.slice(0, 200);
    throw new ApiError(response.status, `${message} (HTTP ${response.status})`);
  }
  // Trusted rather than checked: the server builds these bodies from the same types (worker/contract.ts).
  return body as Body;
}

function errorMessage(body: unknown): string | null {
  if (typeof body !== "object" || body === null || !("error" in body)) return null;
  const { error } = body;
  if (typeof error !== "object" || error === null || !("message" in error)) return null;
  return typeof error.message === "string" ? error.message : null;
}
