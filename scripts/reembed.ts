/**
 * `npm run reembed -- [--url <server>] [--token <jwt>] [--tenant <slug>]`: after changing EMBEDDING_MODEL,
 * queues every document indexed with another model for re-embedding. Each keeps serving its old vectors
 * until its new version is complete. Prints how many were queued.
 */
import { parseArgs } from "node:util";
import { createApiClient, readBody } from "../client/api-client.ts";
import { ApiError } from "../client/api-error.ts";
import { readHealth, resolveToken } from "./ingest/ingest-client.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    token: { type: "string" },
    tenant: { type: "string", default: "demo" },
  },
});
const baseUrl = values.url.replace(/\/$/, "");
const health = await readHealth(baseUrl);
const token = await resolveToken({
  baseUrl,
  token: values.token ?? process.env.RAG_TOKEN ?? null,
  tenant: values.tenant,
  health,
});
const api = createApiClient({ baseUrl, token });
const { queued, embeddingModel } = await readBody(api.documents.reembed.$post()).catch((error: unknown) => {
  const reason = error instanceof ApiError ? `(${error.status}): ${error.message}` : `: ${String(error)}`;
  console.error(`Re-embed failed ${reason}`);
  process.exit(1);
});
console.log(`Queued ${queued} document(s) for re-embedding with ${embeddingModel}.`);
