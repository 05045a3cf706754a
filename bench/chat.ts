/**
 * Chat benchmark: `npm run bench:chat -- [--conversations 50] [--rounds N] [--resumes 20] [--url <server>]
 * [--chunks 5000] [--delay 20]`.
 *
 * Seeds a fresh tenant through the batch API with generated documents until it holds at least `--chunks` chunks,
 * then, for each of `--rounds` rounds, sends `--conversations` health checks at once and then opens as many new
 * conversations at once, each asking one question about the corpus and reading its answer to the end. It prints the
 * client's time to first token and total time beside the health checks of the same minutes (and their ratio), the
 * server's own breakdown of where the time to the first token went (`data-timings` stages and the `Server-Timing` of
 * the POST), and the error count. For a server it started itself it also prints the server CPU (user and system time
 * of its processes) an answer costs against what one health check costs: per whole answer, and, one answer at a time,
 * up to its first token. With everything of the local server on one thread, that CPU ratio is what the latency ratio
 * at 50 at once comes down to. Then `--resumes` answers are asked one after another and each is resumed
 * (`GET /api/chat/:id/stream`) as soon as its first token arrives: the time to the first replayed event.
 * Without --url it starts the app itself (`scripts/start.ts`: a production build in workerd, fresh local state,
 * the offline models), with `LOCAL_ANSWER_DELAY_MS` from `--delay`, which keeps answers streaming long enough to
 * be resumed.
 */
import { parseArgs } from "node:util";
import { StreamReader } from "../client/answer-stream.ts";
import type { ApiClient } from "../client/api-client.ts";
import { type TimingsData, timingsDataSchema } from "../worker/contract.ts";
import { mean } from "./eval/retrieval-metrics.ts";
import { measureOn, openHandbookTenant } from "./support/handbook-tenant.ts";
import { healthBurst, healthCheckCpu } from "./support/health-floor.ts";
import { latencyLine, ratioLine } from "./support/latency.ts";
import { retrievalStageLabels } from "./support/retrieval-stage-labels.ts";
import { cpuLine, serverCpuClock, serverIdle } from "./support/server-cpu.ts";
import { serverTimings } from "./support/server-timing.ts";
import { StageSamples } from "./support/stage-samples.ts";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "50" },
    rounds: { type: "string" },
    resumes: { type: "string", default: "20" },
    chunks: { type: "string", default: "5000" },
    url: { type: "string" },
    delay: { type: "string", default: "20" },
    tenant: { type: "string", default: `bench-chat-${Date.now().toString(36)}` },
  },
});
const conversationCount = Number(values.conversations);
// Enough answers for a median at any concurrency: one round of 50, twenty of 1.
const rounds = Number(values.rounds ?? Math.max(1, Math.ceil(20 / conversationCount)));
const resumeCount = Number(values.resumes);
// With rate limits on (a server given by --url), a user may ask 120 questions a minute.
const maximumConversations = 120;
if (!Number.isInteger(conversationCount) || conversationCount < 1 || conversationCount > maximumConversations) {
  console.error(`--conversations must be 1..${maximumConversations}`);
  process.exit(2);
}
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(resumeCount) || resumeCount < 0) {
  console.error("--rounds must be at least 1 and --resumes at least 0");
  process.exit(2);
}

interface Answer {
  ok: boolean;
  error?: string;
  firstTokenMs: number | null;
  /** The server CPU used from the question to its first token: measured only one answer at a time. */
  firstTokenCpuMs?: number;
  totalMs: number;
  /** The `Server-Timing` of the POST: the Worker's part (`total`) and the call into the conversation. */
  workerTimings: Map<string, number>;
  timings?: TimingsData;
}

const tenant = await openHandbookTenant({
  url: values.url,
  tenant: values.tenant,
  chunks: Number(values.chunks),
  // The live path is measured: a question asked again would otherwise stream from the answer cache (bench:cache).
  environment: { LOCAL_ANSWER_DELAY_MS: values.delay, RATE_LIMITS: "off", ANSWER_CACHE: "off" },
});
const { api, corpus } = tenant;
// One answer at a time, the server's CPU from a question to its first token is that answer's alone.
const cpuClock = serverCpuClock(tenant.server?.stateDirectory);
const firstTokenCpuClock = conversationCount === 1 ? cpuClock : null;
let nextConversation = 0;
const newConversationId = () => `bench-${nextConversation++}-${values.tenant}`;

await measureOn(tenant, async () => {
  // One answer first, outside the figures: the first request of an isolate builds what later ones reuse.
  await ask(api, newConversationId(), corpus.nextQuestion());

  console.log(
    `${rounds} round(s) of ${conversationCount} health checks, then ${conversationCount} questions, at once…`,
  );
  // The floor's CPU, measured on an idle server, as each round's answers are.
  const healthCpuMs = cpuClock ? await healthCheckCpu(api, cpuClock, conversationCount) : null;
  const health: number[] = [];
  const answers: Answer[] = [];
  let answersCpuMs = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    health.push(...(await healthBurst(api, conversationCount)));
    const questions = Array.from({ length: conversationCount }, () => corpus.nextQuestion());
    const cpuBefore = cpuClock?.() ?? 0;
    answers.push(...(await Promise.all(questions.map((question) => ask(api, newConversationId(), question)))));
    // An answer's cost includes what it leaves running after its stream ends (its usage row, the conversation index).
    if (cpuClock) {
      await serverIdle(cpuClock);
      answersCpuMs += cpuClock() - cpuBefore;
    }
  }
  const wallMs = performance.now() - started;

  const resumes: number[] = [];
  let finishedBeforeResume = 0;
  for (let index = 0; index < resumeCount; index++) {
    const resumed = await askAndResume(api, newConversationId(), corpus.nextQuestion());
    if (resumed === null) finishedBeforeResume++;
    else resumes.push(resumed);
  }

  const succeeded = answers.filter((answer) => answer.ok);
  const failures = answers.filter((answer) => !answer.ok);
  const firstTokens = succeeded.flatMap((answer) => answer.firstTokenMs ?? []);
  console.log("");
  console.log(
    `Conversations: ${conversationCount} concurrent × ${rounds} round(s), ${succeeded.length} complete, ` +
      `${failures.length} errors, wall ${Math.round(wallMs)} ms`,
  );
  console.log(`Corpus: ${tenant.chunks} chunks; LOCAL_ANSWER_DELAY_MS=${values.url ? "(server's)" : values.delay}`);
  console.log(latencyLine(`health (${conversationCount} at once)`, health));
  console.log(latencyLine("time to first token", firstTokens));
  console.log(ratioLine("time to first token / health, p50", firstTokens, health));
  console.log(
    latencyLine(
      "total",
      succeeded.map((answer) => answer.totalMs),
    ),
  );
  if (healthCpuMs !== null) {
    console.log("");
    console.log(`Server CPU (its processes' user and system time; one health check: ${healthCpuMs.toFixed(2)} ms):`);
    console.log(cpuLine("per answer, the whole answer", answersCpuMs / answers.length, healthCpuMs));
    const firstTokenCpu = succeeded.flatMap((answer) => answer.firstTokenCpuMs ?? []);
    if (firstTokenCpu.length > 0)
      console.log(cpuLine("per answer, to its first token", mean(firstTokenCpu), healthCpuMs));
  }
  console.log("");
  console.log("Server, per answer (where the time to the first token went):");
  for (const line of stageLines(succeeded)) console.log(line);
  console.log("");
  console.log(latencyLine("resume: first replayed event", resumes));
  if (finishedBeforeResume > 0) {
    console.log(`(${finishedBeforeResume} answer(s) ended before their resume; a larger --delay keeps them going)`);
  }
  return failures.map((failure) => failure.error ?? "failed");
});

function stageLines(answers: readonly Answer[]): string[] {
  const samples = new StageSamples();
  for (const { workerTimings, timings } of answers) {
    const total = workerTimings.get("total");
    const conversation = workerTimings.get("conversation");
    if (total !== undefined && conversation !== undefined) samples.add("worker", total - conversation);
    if (conversation !== undefined) samples.add("conversationCall", conversation);
    if (!timings) continue;
    samples.add("conversationHop", timings.conversationHopMs);
    for (const [stage, milliseconds] of Object.entries(timings.retrievalStages ?? {})) samples.add(stage, milliseconds);
    samples.add("retrieval", timings.retrievalMs);
    if (timings.firstTokenMs !== null) {
      samples.add("firstModelToken", timings.firstTokenMs - timings.retrievalMs);
      samples.add("firstToken", timings.firstTokenMs);
    }
  }
  return samples.lines([
    ["worker", "Worker before the conversation"],
    ["conversationCall", "Worker → conversation: call"],
    ["conversationHop", "  of which the hop in"],
    ["retrieval", "retrieval (from the answer's start)"],
    ...retrievalStageLabels.map(([stage, label]) => [stage, `  ${label}`] as const),
    ["firstModelToken", "first model token after retrieval"],
    ["firstToken", "first token (from the answer's start)"],
  ]);
}

/** One conversation: asks, reads the SSE stream to its end, and times it from the client's side. */
async function ask(client: ApiClient, conversationId: string, question: string): Promise<Answer> {
  const started = performance.now();
  const cpuBefore = firstTokenCpuClock?.();
  let firstTokenMs: number | null = null;
  let firstTokenCpuMs: number | undefined;
  let workerTimings = new Map<string, number>();
  try {
    const response = await client.chat.$post({
      json: {
        id: conversationId,
        message: { id: `${conversationId}-question`, role: "user", parts: [{ type: "text", text: question }] },
      },
    });
    workerTimings = serverTimings(response.headers.get("Server-Timing"));
    if (!response.ok || !response.body) {
      const error = `${response.status} ${await response.text()}`;
      return { ok: false, error, firstTokenMs, totalMs: 0, workerTimings };
    }
    const stream = new StreamReader(response);
    let text = "";
    let error: string | undefined;
    let timings: TimingsData | undefined;
    for (let event = await stream.next(); event; event = await stream.next()) {
      const { chunk } = event;
      if (chunk.type === "text-delta") {
        if (firstTokenMs === null && firstTokenCpuClock && cpuBefore !== undefined) {
          firstTokenCpuMs = firstTokenCpuClock() - cpuBefore;
        }
        firstTokenMs ??= performance.now() - started;
        text += String(chunk.delta);
      } else if (chunk.type === "error") error = String(chunk.errorText);
      else if (chunk.type === "data-timings") timings = timingsDataSchema.parse(chunk.data);
    }
    const totalMs = performance.now() - started;
    if (error || !stream.done || text.length === 0) {
      error ??= stream.done ? "no answer text" : "the stream ended early";
      return { ok: false, error, firstTokenMs, totalMs, workerTimings };
    }
    return {
      ok: true,
      firstTokenMs,
      totalMs,
      workerTimings,
      ...(firstTokenCpuMs === undefined ? {} : { firstTokenCpuMs }),
      ...(timings ? { timings } : {}),
    };
  } catch (failure) {
    return { ok: false, error: String(failure), firstTokenMs, totalMs: performance.now() - started, workerTimings };
  }
}

/**
 * Asks, and once the first token has arrived resumes the answer from its start as a reloaded page would: the
 * milliseconds to the first replayed event, or null when the answer had ended (204) before the resume reached it.
 */
async function askAndResume(client: ApiClient, conversationId: string, question: string): Promise<number | null> {
  const response = await client.chat.$post({
    json: {
      id: conversationId,
      message: { id: `${conversationId}-question`, role: "user", parts: [{ type: "text", text: question }] },
    },
  });
  if (!response.ok) throw new Error(`POST /api/chat answered ${response.status} ${await response.text()}`);
  const original = new StreamReader(response);
  for (let event = await original.next(); event; event = await original.next()) {
    if (event.chunk.type === "text-delta") break;
  }
  const started = performance.now();
  const resumed = await client.chat[":id"].stream.$get({ param: { id: conversationId }, header: {} });
  if (resumed.status === 204) {
    await original.rest();
    return null;
  }
  if (!resumed.ok) throw new Error(`GET /api/chat/:id/stream answered ${resumed.status} ${await resumed.text()}`);
  const replay = new StreamReader(resumed);
  const first = await replay.next();
  const elapsed = performance.now() - started;
  if (!first) throw new Error("the resumed stream sent no event");
  await Promise.all([replay.rest(), original.rest()]);
  return elapsed;
}
