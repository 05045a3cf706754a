/**
 * `npm run reembed -- [--url <server>] [--token <jwt>] [--tenant <slug>]`: after changing EMBEDDING_MODEL,
 * queues every document indexed with another model for re-embedding. Each keeps serving its old vectors
 * until its new version is complete. Prints how many were queued.
 */
import { parseArgs } from "node:util";
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
const response = await fetch(`${baseUrl}/api/documents/reembed`, {
  method: "POST",
  headers: { Authorization: `Bearer ${token}` },
});
const body = (await response.json()) as { queued?: number; embeddingModel?: string; error?: { message: string } };
if (!response.ok) {
  console.error(`Re-embed failed (${response.status}): ${body.error?.message ?? "unknown error"}`);
  process.exit(1);
}
console.log(`Queued ${body.queued} document(s) for re-embedding with ${body.embeddingModel}.`);
