/**
 * Ingestion benchmark: `npm run bench:ingest -- --dataset <BEIR folder> [--url <server>]`.
 * Ingests the corpus through the HTTP API and the queue (batch upserts keyed by corpus `_id`), waits until
 * every document is indexed, then submits the same corpus again and measures the unchanged re-ingest and
 * the texts it embedded. Without --url it starts the app itself with fresh local state.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type RunningServer, startServer } from "../test/support/server.ts";

interface Stats {
  documents: number;
  ready: number;
  failed: number;
  pending: number;
  chunks: number;
  jobs: number;
  embeddedTexts: number;
}

const { values } = parseArgs({
  options: {
    dataset: { type: "string" },
    url: { type: "string" },
    tenant: { type: "string", default: `bench-${Date.now()}` },
    "batch-size": { type: "string", default: "100" },
    concurrency: { type: "string", default: "4" },
  },
});
if (!values.dataset) {
  console.error("usage: npm run bench:ingest -- --dataset <BEIR folder> [--url <server>]");
  process.exit(2);
}
const batchSize = Number(values["batch-size"]);
const concurrency = Number(values.concurrency);

const corpus = (await readFile(join(values.dataset, "corpus.jsonl"), "utf8"))
  .split("\n")
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as { _id: string; title?: string; text: string })
  .map((entry) => ({
    externalId: entry._id,
    title: entry.title?.trim() || `Document ${entry._id}`,
    text: entry.text,
    contentType: "text/plain",
  }));

const server: RunningServer | undefined = values.url ? undefined : await startServer();
const baseUrl = values.url?.replace(/\/$/, "") ?? server?.baseUrl ?? "";

try {
  const token = await getToken();
  console.log(`Corpus: ${corpus.length} documents from ${values.dataset}; server ${baseUrl}; tenant ${values.tenant}`);

  const first = await ingestAll();
  const stats = await waitForIndexing(corpus.length);
  const seconds = first.ms / 1000;
  console.log(
    `Full ingest: ${corpus.length} documents, ${stats.chunks} chunks in ${seconds.toFixed(1)} s ` +
      `(${(corpus.length / seconds).toFixed(0)} documents/s, ${(stats.chunks / seconds).toFixed(0)} chunks/s); ` +
      `${stats.failed} failed; ${stats.embeddedTexts} texts embedded`,
  );

  const again = await ingestAll();
  const after = await waitForIndexing(corpus.length);
  console.log(
    `Unchanged re-ingest: ${(again.ms / 1000).toFixed(1)} s; ${again.changed} documents changed; ` +
      `${after.embeddedTexts - stats.embeddedTexts} embedding calls (texts embedded); ` +
      `${after.jobs - stats.jobs} ingest jobs`,
  );

  async function getToken(): Promise<string> {
    const response = await fetch(`${baseUrl}/api/dev/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ role: "admin", tenant: values.tenant }),
    });
    if (!response.ok) throw new Error(`dev token: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  }

  async function api<T>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Submits the corpus in batches, a few requests at a time; the clock stops when all are indexed. */
  async function ingestAll(): Promise<{ ms: number; changed: number }> {
    const started = performance.now();
    const batches: (typeof corpus)[] = [];
    for (let start = 0; start < corpus.length; start += batchSize) batches.push(corpus.slice(start, start + batchSize));
    let changed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let index = next++; index < batches.length; index = next++) {
          const result = await api<{ documents: Array<{ changed: boolean }> }>("/api/documents/batch", {
            documents: batches[index],
          });
          changed += result.documents.filter((document) => document.changed).length;
        }
      }),
    );
    await waitForIndexing(corpus.length);
    return { ms: performance.now() - started, changed };
  }

  async function waitForIndexing(expected: number): Promise<Stats> {
    for (;;) {
      const stats = await api<Stats>("/api/documents/stats");
      if (stats.documents >= expected && stats.pending === 0) return stats;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
} catch (error) {
  if (server) console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server?.stop();
}
