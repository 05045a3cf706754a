/**
 * Soak benchmark: `npm run bench:soak -- --minutes 10 [--seed 1] [--mix chat,search,ingest,assets]`.
 *
 * Starts the app as `npm start` does (it builds it; fresh local state, offline models), seeds 200 documents and then,
 * for `--minutes`, keeps a steady light mix going: 4 users asking questions (a new conversation every 10 questions,
 * 2 s between them), 2 users searching (1 s apart) and an admin who every 3 s sends 5 new documents and new versions
 * of 5 others and deletes the oldest once more than 200 are live. Every 10 s it samples the resident memory of the
 * server's processes (workerd, which runs the Worker, its Durable Objects and local D1/R2, and the Node start
 * script) and prints it. `--mix` runs only some of the traffic (e.g. `--mix chat`), to tell which part grows memory;
 * `--mix assets` (not in the default mix) is a control that runs none of the app's code: 2 clients fetching the SPA's
 * index page, 50 ms apart.
 * At the end it verifies every conversation and document as `bench:load` does, and judges the workerd memory after
 * the warm-up (the first 20 % of the run) with `support/memory-trend.ts`: clearly growing is more than 10 % higher at
 * the end than at the start and a trend of at least 1 MB a minute. Exits with 1 on a failed request, a failed
 * verification or growing memory.
 */
import { parseArgs } from "node:util";
import { startServer } from "../scripts/lib/app-server.ts";

import { openSession } from "./support/bench-session.ts";
import { waitSeconds } from "./support/logged-api.ts";
import { type MemorySample, memoryTrend, warmUpFraction } from "./support/memory-trend.ts";
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

const server = await startServer({ RATE_LIMITS: "off" });
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

  const samples: MemorySample[] = [];
  console.log("minute  workerd MB  all processes MB");
  while (running()) {
    const processes = serverProcessMemory(server.stateDirectory);
    const workerd = processes.filter((process) => process.name === "workerd");
    const megabytes = workerd.reduce((sum, process) => sum + process.residentMb, 0);
    const all = processes.reduce((sum, process) => sum + process.residentMb, 0);
    if (workerd.length === 0) throw new Error("no workerd process found for the server");
    samples.push({ minutes: elapsedMinutes(), megabytes });
    console.log(
      `${elapsedMinutes().toFixed(2).padStart(6)}  ${megabytes.toFixed(1).padStart(10)}  ${all.toFixed(1).padStart(16)}`,
    );
    await waitSeconds(sampleEverySeconds);
  }
  await Promise.all([...chatLoops, ...searchLoops, ...assetLoops, ingestLoop]);
  await waitUntilSettled(session.admin, ledger.live.size, 5 * 60_000);

  const verification = await verifyRun(session, conversations, ledger);
  const trend = memoryTrend(samples);
  console.log("");
  console.log(log.table());
  console.log("");
  console.log(`5xx responses: ${log.serverErrorCount()}; failed requests: ${log.failureCount()}`);
  console.log(describeVerification(verification));
  for (const failure of failures.slice(0, 5)) console.log(`stopped early: ${failure}`);
  console.log(
    `Memory (workerd) after the first ${warmUpFraction * 100} %: ${trend.measured} samples, ` +
      `${trend.slopeMbPerMinute.toFixed(2)} MB/min, end/start ${trend.ratio.toFixed(3)}: ${trend.growing ? "GROWING" : "flat"}`,
  );
  const passed =
    log.failureCount() === 0 && failures.length === 0 && verification.problems.length === 0 && !trend.growing;
  process.exitCode = passed ? 0 : 1;
} catch (error) {
  console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server.stop();
}
