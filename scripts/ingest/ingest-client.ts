import { open } from "node:fs/promises";
import { basename } from "node:path";
import { type ApiClient, createApiClient, readBody, type SuccessBody } from "../../client/api-client.ts";
import { requestDevToken } from "../../client/dev-token.ts";
import { listAllDocuments } from "../../client/list-documents.ts";
import { sendDocument } from "../../client/send-document.ts";
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

  const uploadFile = (file: LocalFile, { collection, onBytes }: UploadOptions) =>
    sendDocument(
      api,
      {
        filename: basename(file.path),
        size: file.size,
        contentType: file.contentType,
        externalId: file.externalId,
        collection: collection ?? undefined,
        read: (offset, length) => readFileBytes(file.path, offset, length),
      },
      { maxSingleRequestBytes, onBytes },
    );

  return {
    listDocuments: () => listAllDocuments(api),
    getDocument: async (id) => (await readBody(api.documents[":id"].$get({ param: { id } }))).document,
    uploadFile,
  };
}

/** `length` bytes of the file from `offset`; fails when the file no longer has them. */
async function readFileBytes(path: string, offset: number, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const handle = await open(path);
  try {
    const bytes = new Uint8Array(length);
    const { bytesRead } = await handle.read(bytes, 0, length, offset);
    if (bytesRead !== length) throw new Error(`${path} changed while it was being uploaded`);
    return bytes;
  } finally {
    await handle.close();
  }
}
