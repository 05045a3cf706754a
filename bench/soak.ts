/**
 * Soak benchmark: `npm run bench:soak -- --minutes 10 [--seed 1] [--mix chat,search,ingest,assets]`.
 *
 * Starts the app as `npm start` does (it builds it; fresh local state, offline models), seeds 200 documents and then,
 * for `--minutes`, keeps a steady light mix going: 4 users asking questions (a new conversation every 10 questions,
 * 2 s between them), 2 users searching (1 s apart) and an admin who every 3 s sends 5 new documents and new versions
 * of 5 others and deletes the oldest once more than 200 are live. Every 10 s it samples the JavaScript heap of the
 * app's isolate (the Worker and its Durable Objects) after a garbage collection, through workerd's V8 inspector, and
 * the resident memory of the server's processes (workerd, which also runs local D1/R2/Queues and Miniflare's own
 * Workers, and the Node start script), and prints them. `--mix` runs only some of the traffic (e.g. `--mix chat`), to
 * tell which part grows memory; `--mix assets` (not in the default mix) is a control that runs none of the app's
 * code: 2 clients fetching the SPA's index page, 50 ms apart.
 * At the end it verifies every conversation and document as `bench:load` does, and judges the app heap after the
 * warm-up (the first 20 % of the run) with `support/memory-trend.ts`: clearly growing is more than 10 % higher at the
 * end than at the start and a trend of at least 0.1 MB a minute. The resident size is reported but not judged: the
 * local runtime holds memory per request even for requests that run none of the app's code (docs/reliability.md).
 * Exits with 1 on a failed request, a failed verification or a growing app heap.
 */
import { parseArgs } from "node:util";
import { freePort, startServer } from "../scripts/lib/app-server.ts";

import { openSession } from "./support/bench-session.ts";
import { connectIsolateHeap } from "./support/isolate-heap.ts";
import { waitSeconds } from "./support/logged-api.ts";
import { type MemorySample, type MemoryTrend, memoryTrend, warmUpFraction } from "./support/memory-trend.ts";
import { RequestLog } from "./support/request-log.ts";
import { serverProcessMemory } from "./support/server-memory.ts";
import { SyntheticCorpus } from "./support/synthetic-corpus.ts";
import { askNext, type Conversation, DocumentLedger, search, waitUntilSettled } from "./support/traffic.ts";
import { describeVerification, verifyRun } from "./support/verification.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    seed: { type: "string", default: "1" },
    mix: { type: "string", default: "chat,search,ingest" },
  },
});
const minutes = Number(values.minutes);
const seed = Number(values.seed);
const trafficKinds = ["chat", "search", "ingest", "assets"];
const mix = new Set(values.mix.split(","));
if (!(minutes >= 1) || !Number.isInteger(seed) || [...mix].some((kind) => !trafficKinds.includes(kind))) {
  console.error("usage: npm run bench:soak -- --minutes N (at least 1) [--seed N] [--mix chat,search,ingest,assets]");
  process.exit(2);
}

const chatters = mix.has("chat") ? 4 : 0;
const searchers = mix.has("search") ? 2 : 0;
const questionsPerConversation = 10;
const thinkSeconds = { chat: 2, search: 1, ingest: 3, asset: 0.05 };
const liveDocuments = 200;
const perRound = { created: 5, updated: 5 };
const sampleEverySeconds = 10;
/** The app heap's growth that counts: 0.1 MB a minute would fill a 128 MB isolate in under a day. */
const heapGrowingSlopeMbPerMinute = 0.1;

const inspectorPort = await freePort();
const server = await startServer({ RATE_LIMITS: "off", INSPECTOR_PORT: String(inspectorPort) });
const log = new RequestLog();
try {
  const tenant = `bench-soak-${seed}`;
  const session = await openSession(server.baseUrl, tenant, chatters + searchers, log);
  const corpus = new SyntheticCorpus(seed);
  const ledger = new DocumentLedger();
  let nextIndex = liveDocuments;
  await ledger.upsert(
    session.admin,
    corpus,
    Array.from({ length: liveDocuments }, (_, index) => index),
    2,
  );
  await waitUntilSettled(session.admin, ledger.live.size, 5 * 60_000);
  console.log(
    `Server ${server.baseUrl}; tenant ${tenant}; ${liveDocuments} documents seeded; soaking for ${minutes} min (${[...mix].join(", ")})…`,
  );

  const conversations: Conversation[] = [];
  const failures: string[] = [];
  const started = performance.now();
  const elapsedMinutes = () => (performance.now() - started) / 60_000;
  const running = () => elapsedMinutes() < minutes;
  const loop = (step: () => Promise<void>, pauseSeconds: number) =>
    (async () => {
      while (running()) {
        await step();
        await waitSeconds(pauseSeconds);
      }
    })().catch((error: unknown) => failures.push(error instanceof Error ? error.message : String(error)));

  const chatLoops = session.users.slice(0, chatters).map((user, userIndex) => {
    let conversation: Conversation | undefined;
    return loop(async () => {
      if (!conversation || conversation.questions.length === questionsPerConversation) {
        conversation = { id: `soak-${userIndex}-${conversations.length}`, user, questions: [] };
        conversations.push(conversation);
      }
      await askNext(conversation, corpus.question());
    }, thinkSeconds.chat);
  });
  const searchLoops = session.users
    .slice(chatters)
    .map((user) => loop(() => search(user, corpus.searchQuery()), thinkSeconds.search));
  // The control: the SPA's index page, served by the runtime's asset handling without running the app's code.
  const assetLoops = mix.has("assets")
    ? [1, 2].map(() =>
        loop(async () => {
          await session.admin.call("asset", async () => {
            const page = await fetch(new URL("/", server.baseUrl));
            if (!page.ok) throw new Error(`GET / answered ${page.status}`);
            return page.text();
          });
        }, thinkSeconds.asset),
      )
    : [];
  const ingestLoop = mix.has("ingest")
    ? loop(async () => {
        const live = [...ledger.live.keys()];
        const updated = Array.from({ length: perRound.updated }, () => live[corpus.integer(live.length)] ?? 0);
        const created = Array.from({ length: perRound.created }, () => nextIndex++);
        await ledger.upsert(session.admin, corpus, [...new Set([...updated, ...created])], 1);
        // Map keys keep insertion order, so the first live ones are the oldest.
        for (const oldest of [...ledger.live.keys()].slice(0, Math.max(0, ledger.live.size - liveDocuments))) {
          await ledger.delete(session.admin, oldest);
        }
      }, thinkSeconds.ingest)
    : Promise.resolve();

  const isolateHeap = await connectIsolateHeap(inspectorPort);
  const heapSamples: MemorySample[] = [];
  const samples: MemorySample[] = [];
  console.log("minute  app heap MB  workerd MB  all processes MB");
  while (running()) {
    heapSamples.push({ minutes: elapsedMinutes(), megabytes: await isolateHeap.retainedMb() });
    const processes = serverProcessMemory(server.stateDirectory);
    const workerd = processes.filter((process) => process.name === "workerd");
    const megabytes = workerd.reduce((sum, process) => sum + process.residentMb, 0);
    const all = processes.reduce((sum, process) => sum + process.residentMb, 0);
    if (workerd.length === 0) throw new Error("no workerd process found for the server");
    samples.push({ minutes: elapsedMinutes(), megabytes });
    console.log(
      `${elapsedMinutes().toFixed(2).padStart(6)}  ${heapSamples.at(-1)?.megabytes.toFixed(1).padStart(11)}  ` +
        `${megabytes.toFixed(1).padStart(10)}  ${all.toFixed(1).padStart(16)}`,
    );
    await waitSeconds(sampleEverySeconds);
  }
  isolateHeap.close();
  await Promise.all([...chatLoops, ...searchLoops, ...assetLoops, ingestLoop]);
  await waitUntilSettled(session.admin, ledger.live.size, 5 * 60_000);

  const verification = await verifyRun(session, conversations, ledger);
  const heapTrend = memoryTrend(heapSamples, heapGrowingSlopeMbPerMinute);
  const trend = memoryTrend(samples);
  console.log("");
  console.log(log.table());
  console.log("");
  console.log(`5xx responses: ${log.serverErrorCount()}; failed requests: ${log.failureCount()}`);
  console.log(describeVerification(verification));
  for (const failure of failures.slice(0, 5)) console.log(`stopped early: ${failure}`);
  const describe = (name: string, { measured, slopeMbPerMinute, ratio, growing }: MemoryTrend) =>
    `${name} after the first ${warmUpFraction * 100} %: ${measured} samples, ${slopeMbPerMinute.toFixed(2)} MB/min, ` +
    `end/start ${ratio.toFixed(3)}: ${growing ? "GROWING" : "flat"}`;
  console.log(describe("App heap (the Worker's isolate, after a collection)", heapTrend));
  console.log(describe("Resident memory of workerd (the whole local runtime; not judged)", trend));
  const passed =
    log.failureCount() === 0 && failures.length === 0 && verification.problems.length === 0 && !heapTrend.growing;
  process.exitCode = passed ? 0 : 1;
} catch (error) {
  console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server.stop();
}
