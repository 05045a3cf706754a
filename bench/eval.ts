/**
 * Retrieval evaluation: `npm run eval -- --dataset <BEIR folder> [--split test] [--out report.json] [--url <server>]`.
 * Ingests the corpus through the HTTP API and the queue (batch upserts keyed by corpus `_id` as external id),
 * waits until every document is indexed, runs every query of the split through `POST /api/search`, ranks the
 * corpus documents by their best chunk, and prints nDCG@10, Recall@10, Recall@100, MRR@10 and the search
 * latency. Without --url it starts the app itself with fresh local state and the current environment (e.g.
 * AI_PROVIDER=openai); with --url an unchanged corpus is recognised and not embedded again. `--settings <json>`
 * replaces groups of the server's retrieval settings for every query (e.g. `'{"reranking":{"candidates":0,
 * "weight":0}}'` turns reranking off), so one running server serves every step of a tuning run. Also prints the
 * server's time per retrieval stage (first pass, feedback, hydration, reranking).
 */
import { writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readBody } from "../client/api-client.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { type RunningServer, startServer } from "../scripts/lib/app-server.ts";
import { retrievalSettingsOverrideSchema } from "../worker/contract.ts";
import { readBeirSplit } from "./eval/beir-dataset.ts";
import { rankDocuments } from "./eval/rank-documents.ts";
import { mean, ndcgAtK, percentile, recallAtK, reciprocalRankAtK } from "./eval/retrieval-metrics.ts";
import { submitDocuments, waitForIndexing } from "./support/bulk-ingest.ts";

const usage =
  "usage: npm run eval -- --dataset <BEIR folder> [--split test] [--out report.json] [--url <server>] " +
  "[--mode hybrid|fts|vector] [--settings <json>] [--tenant <slug>] [--concurrency 1]";

const { values } = parseArgs({
  options: {
    dataset: { type: "string" },
    split: { type: "string", default: "test" },
    out: { type: "string" },
    url: { type: "string" },
    mode: { type: "string", default: "hybrid" },
    tenant: { type: "string" },
    "top-k": { type: "string", default: "100" },
    concurrency: { type: "string", default: "1" },
    settings: { type: "string" },
  },
});
const modes = ["hybrid", "fts", "vector"] as const;
const mode = modes.find((candidate) => candidate === values.mode);
if (!values.dataset || !mode) {
  console.error(usage);
  process.exit(2);
}
const retrieval = values.settings ? retrievalSettingsOverrideSchema.parse(JSON.parse(values.settings)) : undefined;
const datasetFolder = resolve(values.dataset);
const split = values.split;
const topK = Number(values["top-k"]);
const concurrency = Number(values.concurrency);
// A stable tenant per dataset, so re-running against the same server (--url) re-uses the indexed corpus.
const tenant =
  values.tenant ??
  `eval-${basename(datasetFolder)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")}`.slice(0, 64);

const dataset = await readBeirSplit(datasetFolder, split);
const documents = dataset.corpus.map((entry) => ({
  externalId: entry.id,
  title: entry.title.trim() || `Document ${entry.id}`,
  text: entry.text.trim() || entry.title.trim() || entry.id,
  contentType: "text/plain" as const,
}));

const server: RunningServer | undefined = values.url ? undefined : await startServer({ RATE_LIMITS: "off" });
const baseUrl = values.url?.replace(/\/$/, "") ?? server?.baseUrl ?? "";

try {
  const { api } = await connectWithDevToken({ baseUrl }, "admin", tenant);
  console.log(
    `Dataset ${datasetFolder}: ${documents.length} documents, ${dataset.queries.length} ${split} queries; ` +
      `server ${baseUrl}; tenant ${tenant}; mode ${mode}` +
      (retrieval ? `; settings ${JSON.stringify(retrieval)}` : ""),
  );
  const health = await readBody(api.health.$get());

  const ingestStarted = performance.now();
  await submitDocuments(api, documents);
  const indexed = await waitForIndexing(api, documents.length);
  if (indexed.failed > 0) console.warn(`${indexed.failed} documents failed to index`);
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  console.log(`Indexed in ${ingestSeconds.toFixed(1)} s`);

  const perQuery: Array<{ id: string; ranking: string[]; latencyMs: number; stages: Record<string, number> }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < dataset.queries.length; index = next++) {
        const query = dataset.queries[index];
        if (query === undefined) continue;
        const started = performance.now();
        const { results, timings } = await readBody(
          api.search.$post({ json: { query: query.text, topK, mode, ...(retrieval ? { retrieval } : {}) } }),
        );
        perQuery.push({
          id: query.id,
          ranking: rankDocuments(results),
          latencyMs: performance.now() - started,
          stages: { ...timings.stages, total: timings.retrievalMs },
        });
      }
    }),
  );
  perQuery.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));

  const judged = perQuery.map((entry) => ({ ...entry, judgements: dataset.qrels.get(entry.id) ?? new Map() }));
  const latencies = perQuery.map((entry) => entry.latencyMs);
  const metrics = {
    "nDCG@10": mean(judged.map((entry) => ndcgAtK(entry.ranking, entry.judgements, 10))),
    "Recall@10": mean(judged.map((entry) => recallAtK(entry.ranking, entry.judgements, 10))),
    "Recall@100": mean(judged.map((entry) => recallAtK(entry.ranking, entry.judgements, 100))),
    "MRR@10": mean(judged.map((entry) => reciprocalRankAtK(entry.ranking, entry.judgements, 10))),
  };
  const latency = { p50: percentile(latencies, 50), p95: percentile(latencies, 95), concurrency };

  console.log("");
  for (const [name, value] of Object.entries(metrics)) console.log(`${name.padEnd(11)} ${value.toFixed(4)}`);
  console.log(`search latency p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms`);
  const stageNames = [...new Set(perQuery.flatMap((entry) => Object.keys(entry.stages)))];
  const stages = Object.fromEntries(
    stageNames.map((name) => {
      const times = perQuery.map((entry) => entry.stages[name] ?? 0);
      return [name, { mean: mean(times), p50: percentile(times, 50), p95: percentile(times, 95) }];
    }),
  );
  console.log("server time per retrieval stage (ms):");
  for (const [name, time] of Object.entries(stages)) {
    console.log(
      `  ${name.padEnd(9)} mean ${time.mean.toFixed(1)}, p50 ${time.p50.toFixed(1)}, p95 ${time.p95.toFixed(1)}`,
    );
  }

  if (values.out) {
    const report = {
      dataset: datasetFolder,
      split,
      mode,
      topK,
      queries: perQuery.length,
      documents: documents.length,
      server: health,
      metrics,
      latencyMs: latency,
      retrieval: retrieval ?? null,
      stagesMs: stages,
      ingestSeconds,
      // Per query, the ranked corpus ids (a TREC-style run), for error analysis.
      run: Object.fromEntries(perQuery.map((entry) => [entry.id, entry.ranking])),
    };
    await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`Report written to ${values.out}`);
  }
} catch (error) {
  if (server) console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server?.stop();
}
