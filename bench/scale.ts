/**
 * Scale benchmark:
 * `npm run bench:scale -- [--sizes 10000,50000,100000] [--queries 200] [--seed 1] [--restart] [--profile <folder>]`.
 *
 * Starts the app as `npm start` does (a production build in workerd, fresh local state, offline models) with workerd's
 * V8 inspector on, and grows one tenant through the batch API to each size in turn (in chunks; generated documents
 * of `support/synthetic-corpus.ts`). At each size it prints the ingest time of the step and its chunks/s (from the
 * first request until the queue has indexed everything), the client-side latency (p50/p99) of `POST /api/search` run
 * one at a time, both hybrid and with the vector ranker alone (admin `mode: "vector"`: embedding, the vector query and
 * hydration), and the memory of the app's isolate (the Worker and its Durable Objects, the vector index among
 * them) after a garbage collection: the JavaScript heap, and the ArrayBuffer contents (typed arrays) that V8 keeps
 * outside it, from a heap snapshot. Beside the ingest rate and the latencies it prints the server's CPU time per chunk
 * ingested and per search (`support/server-cpu.ts`): workerd runs everything on one thread, so on a machine shared
 * with other work the wall-clock figures swing with the load, while the CPU a chunk or a search costs barely does.
 * `--restart` then stops the server, starts it again on the same state and times the first vector search, which
 * loads the index from its storage. `--profile <folder>` records a V8 CPU profile of the app's isolate over each
 * size's ingest, hybrid searches and vector searches into the folder (`ingest-100000.cpuprofile`, ...; open them in
 * Chrome DevTools): what the Worker, the queue consumer and the Durable Objects ran, not D1's own SQLite work, which
 * runs outside the isolate.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readBody } from "../client/api-client.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { freePort, startServer } from "../scripts/lib/app-server.ts";
import { percentile } from "./eval/retrieval-metrics.ts";
import { type BatchDocument, submitDocuments, waitForIndexing } from "./support/bulk-ingest.ts";
import { connectIsolateHeap } from "./support/isolate-heap.ts";
import { serverCpuSeconds } from "./support/server-cpu.ts";
import { SyntheticCorpus } from "./support/synthetic-corpus.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,50000,100000" },
    queries: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
    restart: { type: "boolean", default: false },
    profile: { type: "string" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const queryCount = Number(values.queries);
const seed = Number(values.seed);
if (
  sizes.some((size, index) => !Number.isInteger(size) || size < 1 || size <= (sizes[index - 1] ?? 0)) ||
  !Number.isInteger(queryCount) ||
  queryCount < 1 ||
  !Number.isInteger(seed)
) {
  console.error("usage: npm run bench:scale -- [--sizes 10000,50000,100000 (increasing)] [--queries N] [--seed N]");
  process.exit(2);
}

/** A first guess of chunks per generated document, until the first step has measured it. */
const guessedChunksPerDocument = 5;

const inspectorPort = await freePort();
// State of its own, kept across the restart and deleted at the end.
const stateDirectory = await mkdtemp(join(tmpdir(), "edge-rag-bench-scale-"));
const server = await startServer({ RATE_LIMITS: "off", INSPECTOR_PORT: String(inspectorPort) }, { stateDirectory });
let restarted: Awaited<ReturnType<typeof startServer>> | undefined;
try {
  const tenant = `bench-scale-${Date.now().toString(36)}`;
  const { api } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", tenant);
  const corpus = new SyntheticCorpus(seed);
  const queries = Array.from({ length: queryCount }, () => corpus.searchQuery());
  const isolateHeap = await connectIsolateHeap(inspectorPort, new URL("/api/health", server.baseUrl).href);
  const isolateMemory = async () => ({
    heapMb: await isolateHeap.retainedMb(),
    arrayBuffersMb: await isolateHeap.arrayBuffersMb(),
  });
  const profileFolder = values.profile;
  if (profileFolder !== undefined) await mkdir(profileFolder, { recursive: true });
  /** Runs `work`, recording a CPU profile of the app's isolate into `<name>.cpuprofile` when asked to. */
  const profiled = async <Result>(name: string, work: () => Promise<Result>): Promise<Result> => {
    if (profileFolder === undefined) return work();
    await isolateHeap.startProfiling(500);
    const result = await work();
    await writeFile(join(profileFolder, `${name}.cpuprofile`), await isolateHeap.stopProfiling());
    return result;
  };
  const baseline = await isolateMemory();
  console.log(
    `Server ${server.baseUrl}; tenant ${tenant}; ${queryCount} searches per size; app isolate before ingest: ` +
      `${baseline.heapMb.toFixed(1)} MB heap + ${baseline.arrayBuffersMb.toFixed(1)} MB ` +
      "of ArrayBuffers",
  );
  console.log(
    "chunks   ingest s  chunks/s  CPU ms/chunk  hybrid p50  hybrid p99  CPU ms  vector p50  vector p99  CPU ms  heap MB" +
      "  buffers MB          load avg",
  );

  let documents = 0;
  let chunks = 0;
  for (const size of sizes) {
    const started = performance.now();
    const cpuBefore = serverCpuSeconds(stateDirectory);
    const chunksBefore = chunks;
    await profiled(`ingest-${size}`, async () => {
      while (chunks < size) {
        const perDocument = documents === 0 ? guessedChunksPerDocument : chunks / documents;
        const more = Math.max(1, Math.ceil((size - chunks) / perDocument));
        const batch: BatchDocument[] = Array.from({ length: more }, (_, offset) =>
          corpus.document(documents + offset, 1),
        );
        await submitDocuments(api, batch);
        const stats = await waitForIndexing(api, documents + more);
        if (stats.failed > 0) throw new Error(`${stats.failed} documents failed to index`);
        documents = stats.documents;
        chunks = stats.chunks;
      }
    });
    const ingestSeconds = (performance.now() - started) / 1000;
    const ingestCpuMsPerChunk = ((serverCpuSeconds(stateDirectory) - cpuBefore) * 1000) / (chunks - chunksBefore);

    const search = async (query: string, mode: "hybrid" | "vector") => {
      const sent = performance.now();
      const { results } = await readBody(api.search.$post({ json: { query, mode } }));
      if (results.length === 0) throw new Error(`no ${mode} results for "${query}"`);
      return performance.now() - sent;
    };
    // The first search after a write pays for nothing the next ones do not; it is left out all the same.
    await search(queries[0] ?? "", "hybrid");
    // Each search's latency, and the server's CPU milliseconds a search over them all.
    const timed = async (mode: "hybrid" | "vector") => {
      const cpuBefore = serverCpuSeconds(stateDirectory);
      const latencies: number[] = [];
      for (const query of queries) latencies.push(await search(query, mode));
      return { latencies, cpuMs: ((serverCpuSeconds(stateDirectory) - cpuBefore) * 1000) / queries.length };
    };
    const hybrid = await profiled(`hybrid-${size}`, () => timed("hybrid"));
    const vector = await profiled(`vector-${size}`, () => timed("vector"));
    const { heapMb, arrayBuffersMb } = await isolateMemory();

    const cells = [
      String(chunks).padEnd(7),
      ingestSeconds.toFixed(1).padStart(9),
      ((chunks - chunksBefore) / ingestSeconds).toFixed(0).padStart(9),
      ingestCpuMsPerChunk.toFixed(2).padStart(13),
      ...[hybrid, vector].flatMap(({ latencies, cpuMs }) => [
        ...[50, 99].map((p) => `${percentile(latencies, p).toFixed(1)} ms`.padStart(11)),
        cpuMs.toFixed(1).padStart(7),
      ]),
      heapMb.toFixed(1).padStart(8),
      arrayBuffersMb.toFixed(1).padStart(11),
      loadavg()
        .map((load) => load.toFixed(2))
        .join(" ")
        .padStart(16),
    ];
    console.log(cells.join(" "));
  }
  isolateHeap.close();

  if (values.restart) {
    await server.stop();
    restarted = await startServer({ RATE_LIMITS: "off" }, { stateDirectory });
    const again = await connectWithDevToken({ baseUrl: restarted.baseUrl }, "admin", tenant);
    const sent = performance.now();
    const { results } = await readBody(again.api.search.$post({ json: { query: queries[0] ?? "", mode: "vector" } }));
    console.log(
      `After a restart: the first vector search (loading the index of ${chunks} chunks) took ` +
        `${(performance.now() - sent).toFixed(0)} ms and found ${results.length} results`,
    );
  }
} catch (error) {
  console.error(`Server output:\n${(restarted ?? server).output().slice(-5000)}`);
  throw error;
} finally {
  await restarted?.stop();
  await server.stop();
  await rm(stateDirectory, { recursive: true, force: true });
}
