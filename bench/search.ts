/**
 * Search benchmark: `npm run bench:search -- [--concurrency 50] [--rounds N] [--url <server>] [--chunks 5000]
 * [--settings <json>]`.
 *
 * Seeds a fresh tenant as `bench:chat` does, then, for each of `--rounds` rounds, sends `--concurrency` health checks
 * at once and then as many `POST /api/search` requests (the chat benchmark's questions, `topK` 6 as chat retrieves).
 * It prints the client-side latency of both, their ratio, the server's breakdown from each response's
 * `Server-Timing` (the whole request in the Worker, retrieval, and each retrieval stage: the first pass with its
 * embedding, vector and full-text queries, feedback, fusion, hydration and reranking), and the error count; for a
 * server it started itself, also the server CPU (user and system time of its processes) a search costs against one
 * health check's. Without --url it starts the app itself, as `npm start` does. `--settings <json>` replaces groups of
 * the server's retrieval settings in every search, as the eval's option does (e.g. `'{"feedback":{"chunks":0,
 * "weight":0,"expansionTerms":0,"originalQueryWeight":0.6,"vectorShift":0}}'` leaves feedback out).
 */
import { parseArgs } from "node:util";
import type { ApiClient } from "../client/api-client.ts";
import { retrievalSettingsOverrideSchema } from "../worker/contract.ts";
import { measureOn, openHandbookTenant } from "./support/handbook-tenant.ts";
import { healthBurst, healthCheckCpu } from "./support/health-floor.ts";
import { latencyLine, ratioLine } from "./support/latency.ts";
import { retrievalStageLabels } from "./support/retrieval-stage-labels.ts";
import { cpuLine, serverCpuClock } from "./support/server-cpu.ts";
import { serverTimings } from "./support/server-timing.ts";
import { StageSamples } from "./support/stage-samples.ts";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "50" },
    rounds: { type: "string" },
    chunks: { type: "string", default: "5000" },
    url: { type: "string" },
    tenant: { type: "string", default: `bench-search-${Date.now().toString(36)}` },
    settings: { type: "string" },
  },
});
const retrieval = values.settings ? retrievalSettingsOverrideSchema.parse(JSON.parse(values.settings)) : undefined;
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds ?? Math.max(1, Math.ceil(20 / concurrency)));
// With rate limits on (a server given by --url), a user may search 300 times a minute.
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 300 || !Number.isInteger(rounds) || rounds < 1) {
  console.error("--concurrency must be 1..300 and --rounds at least 1");
  process.exit(2);
}

interface Search {
  ok: boolean;
  error?: string;
  ms: number;
  timings: Map<string, number>;
}

const tenant = await openHandbookTenant({
  url: values.url,
  tenant: values.tenant,
  chunks: Number(values.chunks),
  environment: { RATE_LIMITS: "off" },
});
const { api, corpus } = tenant;

await measureOn(tenant, async () => {
  // One search first, outside the figures: the first request of an isolate builds what later ones reuse.
  await search(api, corpus.nextQuestion());

  console.log(`${rounds} round(s) of ${concurrency} health checks, then ${concurrency} searches, at once…`);
  const cpuClock = serverCpuClock(tenant.server?.stateDirectory);
  const healthCpuMs = cpuClock ? await healthCheckCpu(api, cpuClock, concurrency) : null;
  const health: number[] = [];
  const searches: Search[] = [];
  let searchesCpuMs = 0;
  for (let round = 0; round < rounds; round++) {
    health.push(...(await healthBurst(api, concurrency)));
    const queries = Array.from({ length: concurrency }, () => corpus.nextQuestion());
    const cpuBefore = cpuClock?.() ?? 0;
    searches.push(...(await Promise.all(queries.map((query) => search(api, query)))));
    searchesCpuMs += (cpuClock?.() ?? 0) - cpuBefore;
  }

  const succeeded = searches.filter((result) => result.ok);
  const failures = searches.filter((result) => !result.ok);
  const latencies = succeeded.map((result) => result.ms);
  console.log("");
  console.log(
    `Searches: ${concurrency} concurrent × ${rounds} round(s), ${succeeded.length} answered, ${failures.length} errors`,
  );
  console.log(`Corpus: ${tenant.chunks} chunks${retrieval ? `; settings ${JSON.stringify(retrieval)}` : ""}`);
  console.log(latencyLine(`health (${concurrency} at once)`, health));
  console.log(latencyLine("search", latencies));
  console.log(ratioLine("search / health, p50", latencies, health));
  if (healthCpuMs !== null) {
    console.log(cpuLine("server CPU per search", searchesCpuMs / searches.length, healthCpuMs));
  }
  console.log("");
  console.log("Server, per search (Server-Timing):");
  const samples = new StageSamples();
  for (const { timings } of succeeded) for (const [stage, milliseconds] of timings) samples.add(stage, milliseconds);
  for (const line of samples.lines([
    ["total", "in the Worker"],
    ["retrieval", "retrieval"],
    ...retrievalStageLabels.map(([stage, label]) => [stage, `  ${label}`] as const),
  ])) {
    console.log(line);
  }
  return failures.map((failure) => failure.error ?? "failed");
});

async function search(client: ApiClient, query: string): Promise<Search> {
  const started = performance.now();
  try {
    const response = await client.search.$post({ json: { query, topK: 6, ...(retrieval ? { retrieval } : {}) } });
    const body = await response.text();
    const ms = performance.now() - started;
    const timings = serverTimings(response.headers.get("Server-Timing"));
    return response.ok ? { ok: true, ms, timings } : { ok: false, error: `${response.status} ${body}`, ms, timings };
  } catch (failure) {
    return { ok: false, error: String(failure), ms: performance.now() - started, timings: new Map() };
  }
}
