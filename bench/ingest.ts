/**
 * Ingestion benchmark: `npm run bench:ingest -- --dataset <BEIR folder> [--url <server>]`.
 * Ingests the corpus through the HTTP API and the queue (batch upserts keyed by corpus `_id`), waits until
 * every document is indexed, then submits the same corpus again and measures the unchanged re-ingest and
 * the texts it embedded. Without --url it starts the app itself with fresh local state.
 */
import { parseArgs } from "node:util";
import { connectWithDevToken } from "../client/dev-token.ts";
import { type RunningServer, startServer } from "../scripts/lib/app-server.ts";
import { readBeirCorpus } from "./eval/beir-dataset.ts";
import { submitDocuments, waitForIndexing } from "./support/bulk-ingest.ts";

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
const submission = { batchSize: Number(values["batch-size"]), concurrency: Number(values.concurrency) };
const corpus = (await readBeirCorpus(values.dataset)).map((entry) => ({
  externalId: entry.id,
  title: entry.title.trim() || `Document ${entry.id}`,
  text: entry.text,
  contentType: "text/plain" as const,
}));

const server: RunningServer | undefined = values.url ? undefined : await startServer({ RATE_LIMITS: "off" });
const baseUrl = values.url?.replace(/\/$/, "") ?? server?.baseUrl ?? "";

try {
  const { api } = await connectWithDevToken({ baseUrl }, "admin", values.tenant);
  console.log(`Corpus: ${corpus.length} documents from ${values.dataset}; server ${baseUrl}; tenant ${values.tenant}`);

  // The clock runs from the first request until the queue has indexed everything.
  let started = performance.now();
  await submitDocuments(api, corpus, submission);
  const stats = await waitForIndexing(api, corpus.length);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Full ingest: ${corpus.length} documents, ${stats.chunks} chunks in ${seconds.toFixed(1)} s ` +
      `(${(corpus.length / seconds).toFixed(0)} documents/s, ${(stats.chunks / seconds).toFixed(0)} chunks/s); ` +
      `${stats.failed} failed; ${stats.embeddedTexts} texts embedded`,
  );

  started = performance.now();
  const changed = await submitDocuments(api, corpus, submission);
  const after = await waitForIndexing(api, corpus.length);
  console.log(
    `Unchanged re-ingest: ${((performance.now() - started) / 1000).toFixed(1)} s; ${changed} documents changed; ` +
      `${after.embeddedTexts - stats.embeddedTexts} embedding calls (texts embedded); ` +
      `${after.jobs - stats.jobs} ingest jobs`,
  );
} catch (error) {
  if (server) console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server?.stop();
}
