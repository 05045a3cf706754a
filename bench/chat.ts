/**
 * Chat benchmark: `npm run bench:chat -- [--conversations 50] [--url <server>] [--chunks 5000]`.
 *
 * Seeds a fresh tenant through the batch API with generated documents until it holds at least `--chunks` chunks,
 * then opens `--conversations` conversations at once over loopback, each asking one question about the corpus, and
 * prints the time to first token and the total time (p50/p95/p99, measured by the client) and the error count.
 * Without --url it starts the app itself (`scripts/start.ts`: a production build in workerd, fresh local state,
 * the offline models), with `LOCAL_ANSWER_DELAY_MS` from `--delay`.
 */
import { parseArgs } from "node:util";
import { StreamReader } from "../client/answer-stream.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { type RunningServer, startServer } from "../scripts/lib/app-server.ts";
import { seededRandom } from "../scripts/lib/seeded-random.ts";
import { type TimingsData, timingsDataSchema } from "../worker/contract.ts";
import { submitDocuments, waitForIndexing } from "./support/bulk-ingest.ts";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "50" },
    chunks: { type: "string", default: "5000" },
    url: { type: "string" },
    delay: { type: "string", default: "0" },
    tenant: { type: "string", default: `bench-chat-${Date.now().toString(36)}` },
  },
});
const conversationCount = Number(values.conversations);
const targetChunks = Number(values.chunks);
// The rate limit allows 120 questions a minute per user; more conversations would measure the limiter.
const maximumConversations = 120;
if (!Number.isInteger(conversationCount) || conversationCount < 1 || conversationCount > maximumConversations) {
  console.error(`--conversations must be 1..${maximumConversations}`);
  process.exit(2);
}

// Each generated document has this many sections, one chunk each (a section is well under the chunk size).
const sectionsPerDocument = 10;
const documentsPerBatch = 100;
const places = ["Berlin", "Lisbon", "Osaka", "Nairobi", "Toronto", "Lima", "Oslo", "Hanoi", "Dakar", "Perth"];
const systems = ["ledger", "scheduler", "gateway", "archive", "billing", "telemetry", "catalog", "router", "vault"];
const actions = ["reconciles", "rotates", "replicates", "compacts", "audits", "snapshots", "rebalances", "purges"];
const objects = ["invoices", "certificates", "replicas", "log segments", "index shards", "session keys", "backups"];
const periods = ["every hour", "every night", "each Monday", "twice a day", "every fifteen minutes", "monthly"];

const random = seededRandom(42);
function pick<Item>(items: readonly Item[]): Item {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

interface Fact {
  place: string;
  system: string;
  action: string;
  object: string;
  period: string;
}

function factSentence(fact: Fact, document: number, section: number): string {
  return (
    `The ${fact.system} of the ${fact.place} site ${fact.action} the ${fact.object} ${fact.period}. ` +
    `Operators of unit ${document}-${section} check the ${fact.object} before the ${fact.system} ${fact.action} them, ` +
    `and they record the result in the ${fact.place} run book. If the ${fact.system} fails, the on-call engineer ` +
    `pauses it, restores the last good ${fact.object} and starts it again. The procedure was last reviewed in ` +
    `${2019 + (section % 6)} and applies to unit ${document}-${section} only.`
  );
}

function generateCorpus(documents: number) {
  const facts: Fact[] = [];
  const corpus = Array.from({ length: documents }, (_, document) => {
    const sections = Array.from({ length: sectionsPerDocument }, (_, section) => {
      const fact = {
        place: pick(places),
        system: pick(systems),
        action: pick(actions),
        object: pick(objects),
        period: pick(periods),
      };
      facts.push(fact);
      return `## ${fact.place} ${fact.system}, unit ${document}-${section}\n\n${factSentence(fact, document, section)}`;
    });
    return {
      externalId: `bench/${document}`,
      title: `Operations handbook ${document}`,
      text: `# Operations handbook ${document}\n\n${sections.join("\n\n")}\n`,
      contentType: "text/markdown" as const,
    };
  });
  return { corpus, facts };
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function summary(label: string, values: readonly number[]): string {
  const sorted = [...values].sort((left, right) => left - right);
  const format = (value: number) => `${Math.round(value)} ms`;
  return `${label.padEnd(22)} p50 ${format(percentile(sorted, 0.5)).padStart(8)}   p95 ${format(percentile(sorted, 0.95)).padStart(8)}   p99 ${format(percentile(sorted, 0.99)).padStart(8)}   max ${format(sorted.at(-1) ?? Number.NaN).padStart(8)}`;
}

interface Measurement {
  ok: boolean;
  error?: string;
  firstTokenMs: number | null;
  totalMs: number;
  serverRetrievalMs?: number;
  serverFirstTokenMs?: number;
  serverTotalMs?: number;
}

// Without --url, the app is started here and stopped at the end.
const server: RunningServer | undefined = values.url
  ? undefined
  : await startServer({ LOCAL_ANSWER_DELAY_MS: values.delay, RATE_LIMITS: "off" });
const baseUrl = server?.baseUrl ?? values.url?.replace(/\/$/, "") ?? "";

try {
  const { api } = await connectWithDevToken({ baseUrl }, "admin", values.tenant);
  const documents = Math.ceil(targetChunks / sectionsPerDocument);
  const { corpus, facts } = generateCorpus(documents);
  console.log(`Server ${baseUrl}; tenant ${values.tenant}; seeding ${documents} documents (${targetChunks} chunks)…`);
  const seedStarted = performance.now();
  await submitDocuments(api, corpus, { batchSize: documentsPerBatch, concurrency: 1 });
  const indexed = await waitForIndexing(api, documents);
  if (indexed.failed > 0) throw new Error(`${indexed.failed} documents failed to index`);
  const chunks = indexed.chunks;
  console.log(`Indexed ${chunks} chunks in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s.`);
  if (chunks < targetChunks) throw new Error(`expected at least ${targetChunks} chunks, the corpus has ${chunks}`);

  const questions = Array.from({ length: conversationCount }, () => {
    const fact = pick(facts);
    return `How often does the ${fact.system} of the ${fact.place} site ${fact.action.replace(/s$/, "")} the ${fact.object}?`;
  });
  console.log(`Asking ${conversationCount} questions at once…`);
  const started = performance.now();
  const results = await Promise.all(questions.map((question, index) => converse(`bench-${index}`, question)));
  const wallMs = performance.now() - started;

  const succeeded = results.filter((result) => result.ok);
  const failures = results.filter((result) => !result.ok);
  console.log("");
  console.log(
    `Conversations: ${conversationCount} concurrent, ${succeeded.length} complete, ${failures.length} errors, wall ${Math.round(wallMs)} ms`,
  );
  console.log(`Corpus: ${chunks} chunks; LOCAL_ANSWER_DELAY_MS=${values.url ? "(server's)" : values.delay}`);
  console.log(
    summary(
      "time to first token",
      succeeded.flatMap((result) => (result.firstTokenMs === null ? [] : [result.firstTokenMs])),
    ),
  );
  console.log(
    summary(
      "total",
      succeeded.map((result) => result.totalMs),
    ),
  );
  console.log(
    summary(
      "server retrieval",
      succeeded.flatMap((result) => result.serverRetrievalMs ?? []),
    ),
  );
  console.log(
    summary(
      "server first token",
      succeeded.flatMap((result) => result.serverFirstTokenMs ?? []),
    ),
  );
  console.log(
    summary(
      "server total",
      succeeded.flatMap((result) => result.serverTotalMs ?? []),
    ),
  );
  for (const failure of failures.slice(0, 5)) console.log(`error: ${failure.error}`);
  console.log(`errors: ${failures.length}`);
  process.exitCode = failures.length === 0 ? 0 : 1;

  /** One conversation: asks, reads the SSE stream to its end, and times it from the client's side. */
  async function converse(conversationId: string, question: string): Promise<Measurement> {
    const started = performance.now();
    let firstTokenMs: number | null = null;
    try {
      const response = await api.chat.$post({
        json: {
          id: `${conversationId}-${values.tenant}`,
          message: { id: `${conversationId}-question`, role: "user", parts: [{ type: "text", text: question }] },
        },
      });
      if (!response.ok || !response.body) {
        return { ok: false, error: `${response.status} ${await response.text()}`, firstTokenMs, totalMs: 0 };
      }
      const stream = new StreamReader(response);
      let text = "";
      let error: string | undefined;
      let timings: TimingsData | undefined;
      for (let event = await stream.next(); event; event = await stream.next()) {
        const { chunk } = event;
        if (chunk.type === "text-delta") {
          firstTokenMs ??= performance.now() - started;
          text += String(chunk.delta);
        } else if (chunk.type === "error") error = String(chunk.errorText);
        else if (chunk.type === "data-timings") timings = timingsDataSchema.parse(chunk.data);
      }
      const done = stream.done;
      const totalMs = performance.now() - started;
      if (error || !done || text.length === 0) {
        return {
          ok: false,
          error: error ?? (done ? "no answer text" : "the stream ended early"),
          firstTokenMs,
          totalMs,
        };
      }
      return {
        ok: true,
        firstTokenMs,
        totalMs,
        serverRetrievalMs: timings?.retrievalMs,
        serverFirstTokenMs: timings?.firstTokenMs ?? undefined,
        serverTotalMs: timings?.totalMs,
      };
    } catch (failure) {
      return { ok: false, error: String(failure), firstTokenMs, totalMs: performance.now() - started };
    }
  }
} catch (error) {
  if (server) console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server?.stop();
}
