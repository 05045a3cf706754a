/**
 * Answer cache benchmark: `npm run bench:cache -- [--questions 40] [--documents 200] [--url <server>]`.
 *
 * Seeds a fresh tenant with generated documents (five chunks each), then asks `--questions` distinct first-turn
 * questions one at a time, each in a new conversation: first live (the answer is written and cached), then again
 * (served from the cache when the first answer was cacheable). Prints, for both rounds, the time to first token as
 * the server measured it (the `data-timings` part: from taking up the question to its first text) and as the client
 * saw it over loopback, and how many repeats were cache hits. Without --url it starts the app itself
 * (`scripts/start.ts`: a production build in workerd, fresh local state, the offline models).
 */
import { parseArgs } from "node:util";
import { StreamReader } from "../client/answer-stream.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { type RunningServer, startServer } from "../scripts/lib/app-server.ts";
import { type TimingsData, timingsDataSchema } from "../worker/contract.ts";
import { submitDocuments, waitForIndexing } from "./support/bulk-ingest.ts";
import { SyntheticCorpus } from "./support/synthetic-corpus.ts";

const { values } = parseArgs({
  options: {
    questions: { type: "string", default: "40" },
    documents: { type: "string", default: "200" },
    url: { type: "string" },
    tenant: { type: "string", default: `bench-cache-${Date.now().toString(36)}` },
  },
});
const questionCount = Number(values.questions);
const documentCount = Number(values.documents);
if (!Number.isInteger(questionCount) || questionCount < 1 || !Number.isInteger(documentCount) || documentCount < 1) {
  console.error("--questions and --documents must be positive whole numbers");
  process.exit(2);
}

interface Asked {
  timings: TimingsData;
  clientFirstTokenMs: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function summary(label: string, values: readonly number[]): string {
  const sorted = [...values].sort((left, right) => left - right);
  const format = (value: number) => `${value.toFixed(1)} ms`;
  return `${label.padEnd(34)} p50 ${format(percentile(sorted, 0.5)).padStart(9)}   p95 ${format(percentile(sorted, 0.95)).padStart(9)}   max ${format(sorted.at(-1) ?? Number.NaN).padStart(9)}   (n=${sorted.length})`;
}

const server: RunningServer | undefined = values.url ? undefined : await startServer({ RATE_LIMITS: "off" });
const baseUrl = server?.baseUrl ?? values.url?.replace(/\/$/, "") ?? "";

try {
  const { api: admin } = await connectWithDevToken({ baseUrl }, "admin", values.tenant);
  const { api: member } = await connectWithDevToken({ baseUrl }, "member", values.tenant);
  const corpus = new SyntheticCorpus(7);
  const documents = Array.from({ length: documentCount }, (_, index) => corpus.document(index, 1));
  console.log(`Server ${baseUrl}; tenant ${values.tenant}; seeding ${documentCount} documents…`);
  await submitDocuments(admin, documents, { batchSize: 100, concurrency: 1 });
  const indexed = await waitForIndexing(admin, documentCount);
  if (indexed.failed > 0) throw new Error(`${indexed.failed} documents failed to index`);
  console.log(`Indexed ${indexed.chunks} chunks.`);

  const questions = new Set<string>();
  while (questions.size < questionCount) questions.add(corpus.question());

  const live: Asked[] = [];
  const repeated: Asked[] = [];
  let conversation = 0;
  for (const question of questions) {
    live.push(await ask(question));
    repeated.push(await ask(question));
  }
  const hits = repeated.filter((asked) => asked.timings.cached === true);
  const serverFirstToken = (asked: Asked[]) => asked.flatMap((entry) => entry.timings.firstTokenMs ?? []);

  console.log("");
  console.log(`${questionCount} distinct first-turn questions, each asked twice, one at a time`);
  console.log(`repeats served from the cache: ${hits.length} of ${repeated.length}`);
  console.log(summary("live: server first token", serverFirstToken(live)));
  console.log(
    summary(
      "live: client first token",
      live.map((entry) => entry.clientFirstTokenMs),
    ),
  );
  console.log(summary("cached: server first token", serverFirstToken(hits)));
  console.log(
    summary(
      "cached: client first token",
      hits.map((entry) => entry.clientFirstTokenMs),
    ),
  );
  const [loadOne, loadFive] = (await import("node:os")).loadavg();
  console.log(`load average (1 min, 5 min): ${loadOne?.toFixed(2)}, ${loadFive?.toFixed(2)}`);

  /** Asks `question` in a new conversation and reads the answer to its end. */
  async function ask(question: string): Promise<Asked> {
    conversation += 1;
    const started = performance.now();
    const response = await member.chat.$post({
      json: {
        id: `cache-${conversation}-${values.tenant}`,
        message: { id: `cache-${conversation}-question`, role: "user", parts: [{ type: "text", text: question }] },
      },
    });
    if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
    const stream = new StreamReader(response);
    let clientFirstTokenMs: number | null = null;
    let timings: TimingsData | undefined;
    for (let event = await stream.next(); event; event = await stream.next()) {
      const { chunk } = event;
      if (chunk.type === "text-delta") clientFirstTokenMs ??= performance.now() - started;
      else if (chunk.type === "error") throw new Error(String(chunk.errorText));
      else if (chunk.type === "data-timings") timings = timingsDataSchema.parse(chunk.data);
    }
    if (!timings || clientFirstTokenMs === null) throw new Error(`no answer to "${question}"`);
    return { timings, clientFirstTokenMs };
  }
} catch (error) {
  if (server) console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server?.stop();
}
