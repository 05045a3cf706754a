import { open, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { type ApiClient, createApiClient, readBody, type SuccessBody } from "../../client/api-client.ts";
import { requestDevToken } from "../../client/dev-token.ts";
import type { DocumentView } from "../../worker/contract.ts";
import type { LocalFile } from "./find-files.ts";

/** Files up to this size go in one request; larger ones in parts (the server may allow less). */
export const singleRequestLimit = 8 * 1024 * 1024;

/** What the CLI needs to know of the server: whether it issues development tokens, and its upload limit. */
export type ServerHealth = Pick<SuccessBody<ApiClient["health"]["$get"]>, "devAuth" | "limits">;

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
  const api = createApiClient({ baseUrl, fetch: fetchImplementation });
  const response = await api.health.$get().catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`Cannot reach the server at ${baseUrl} (${cause}); start it with npm start or pass --url`);
  });
  return readBody(response);
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
  return requestDevToken(createApiClient({ baseUrl, fetch: fetchImplementation }), "admin", tenant);
}

export function createIngestClient(
  { baseUrl, token, health }: { baseUrl: string; token: string; health: ServerHealth },
  fetchImplementation: Fetch = fetch,
): IngestClient {
  const api = createApiClient({ baseUrl, token, fetch: fetchImplementation });
  const maxSingleRequestBytes = Math.min(singleRequestLimit, health.limits.maxUploadBytes);

  async function uploadInOneRequest(file: LocalFile, { collection, onBytes }: UploadOptions) {
    const { document } = await readBody(
      api.documents.$post({
        form: {
          file: new File([await readFile(file.path)], basename(file.path), { type: file.contentType }),
          externalId: file.externalId,
          ...(collection ? { collection } : {}),
        },
      }),
    );
    onBytes(file.size);
    return document;
  }

  async function uploadInParts(file: LocalFile, { collection, onBytes }: UploadOptions) {
    const { upload } = await readBody(
      api.uploads.$post({
        json: {
          filename: basename(file.path),
          size: file.size,
          contentType: file.contentType,
          externalId: file.externalId,
          ...(collection ? { collection } : {}),
        },
      }),
    );
    const uploadCalls = api.uploads[":id"];
    const handle = await open(file.path);
    try {
      const parts = [];
      for (let partNumber = 1; partNumber <= upload.partCount; partNumber++) {
        const offset = (partNumber - 1) * upload.partSize;
        const buffer = new Uint8Array(Math.min(upload.partSize, file.size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, offset);
        if (bytesRead !== buffer.byteLength) throw new Error(`${file.path} changed while it was being uploaded`);
        // The part is raw bytes, which the typed call has no input for: it goes as the request body.
        const sent = uploadCalls.parts[":partNumber"].$put(
          { param: { id: upload.id, partNumber: String(partNumber) } },
          { headers: { "Content-Type": "application/octet-stream" }, init: { body: buffer } },
        );
        parts.push(await readBody(sent));
        onBytes(buffer.byteLength);
      }
      const { document } = await readBody(uploadCalls.complete.$post({ param: { id: upload.id }, json: { parts } }));
      return document;
    } catch (error) {
      // Frees the parts stored so far; the server answers 204 even when it already aborted the upload itself.
      await uploadCalls.$delete({ param: { id: upload.id } }).catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
  }

  return {
    listDocuments: async () => (await readBody(api.documents.$get())).documents,
    getDocument: async (id) => (await readBody(api.documents[":id"].$get({ param: { id } }))).document,
    uploadFile: (file, options) =>
      file.size <= maxSingleRequestBytes ? uploadInOneRequest(file, options) : uploadInParts(file, options),
  };
}
