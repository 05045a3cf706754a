/**
 * Load benchmark: `npm run bench:load -- [--conversations 50] [--turns 4] [--documents 1000] [--updates 300]
 * [--searchers 4] [--seed 1]`.
 *
 * Starts the app as `npm start` does (`scripts/start.ts` builds it, so no separate `npm run build` is needed; fresh
 * local state, offline models) and runs a bounded mix over loopback, all at once: `--conversations` users each
 * hold a conversation of `--turns` questions, reading every answer stream to its end; `--searchers` users search
 * until the rest is done; an admin ingests `--documents` documents through the batch API (100 a request) and,
 * as soon as they are accepted, sends new versions of `--updates` of them. A 429 waits for its `Retry-After` and
 * is retried. Afterwards it verifies every conversation and every document through the API (see
 * `support/verification.ts`), prints the requests by kind (errors, 429s, p50/p95/max latency), the time until every
 * document was ready and the verification, and exits with 1 on any failed request or verification.
 */
import { parseArgs } from "node:util";
import { startServer } from "../scripts/lib/app-server.ts";
import { type BenchSession, maxUsers, openSession } from "./support/bench-session.ts";
import { RequestLog } from "./support/request-log.ts";
import { SyntheticCorpus } from "./support/synthetic-corpus.ts";
import { askNext, type Conversation, DocumentLedger, search, waitUntilSettled } from "./support/traffic.ts";
import { describeVerification, verifyRun } from "./support/verification.ts";

const { values } = parseArgs({
  options: {
    conversations: { type: "string", default: "50" },
    turns: { type: "string", default: "4" },
    documents: { type: "string", default: "1000" },
    updates: { type: "string", default: "300" },
    searchers: { type: "string", default: "4" },
    seed: { type: "string", default: "1" },
  },
});
const options = {
  conversations: Number(values.conversations),
  turns: Number(values.turns),
  documents: Number(values.documents),
  updates: Number(values.updates),
  searchers: Number(values.searchers),
  seed: Number(values.seed),
};
const invalid = Object.entries(options).filter(([, value]) => !Number.isInteger(value) || value < 0);
if (invalid.length > 0 || options.updates > options.documents || options.conversations + options.searchers > maxUsers) {
  console.error(
    `usage: npm run bench:load -- [--conversations N] [--turns N] [--documents N] [--updates N ≤ documents] [--searchers N] [--seed N]; conversations + searchers ≤ ${maxUsers}`,
  );
  process.exit(2);
}

/** How long ingestion may take before the run counts it as stuck. */
const settleTimeoutMs = 15 * 60_000;
/** Batch requests at a time. */
const ingestConcurrency = 2;

const server = await startServer({ RATE_LIMITS: "off" });
const log = new RequestLog();
try {
  const tenant = `bench-load-${options.seed}`;
  const session = await openSession(server.baseUrl, tenant, options.conversations + options.searchers, log);
  const corpus = new SyntheticCorpus(options.seed);
  const ledger = new DocumentLedger();
  const conversations: Conversation[] = session.users
    .slice(0, options.conversations)
    .map((user, index) => ({ id: `load-${index}`, user, questions: [] }));
  console.log(
    `Server ${server.baseUrl}; tenant ${tenant}; ${options.conversations} conversations × ${options.turns} questions, ` +
      `${options.searchers} searchers, ${options.documents} documents then ${options.updates} updates (seed ${options.seed})…`,
  );

  const started = performance.now();
  const failures: string[] = [];
  const noting = (task: Promise<unknown>) =>
    task.catch((error: unknown) => failures.push(error instanceof Error ? error.message : String(error)));
  let readyAfterMs = Number.NaN;
  let chatsDoneAfterMs = Number.NaN;
  const ingestion = noting(ingest(session, corpus, ledger).then(() => (readyAfterMs = performance.now() - started)));
  const chats = Promise.all(conversations.map((conversation) => noting(converse(conversation, corpus)))).then(
    () => (chatsDoneAfterMs = performance.now() - started),
  );
  let trafficDone = false;
  const searches = Promise.all(
    session.users.slice(options.conversations).map((user) =>
      noting(
        (async () => {
          while (!trafficDone) await search(user, corpus.searchQuery());
        })(),
      ),
    ),
  );
  await Promise.all([ingestion, chats]);
  trafficDone = true;
  await searches;
  const wallMs = performance.now() - started;

  const verification = await verifyRun(session, conversations, ledger);

  console.log("");
  console.log(log.table());
  console.log("");
  console.log(
    `Traffic: ${seconds(wallMs)} s; every conversation answered after ${seconds(chatsDoneAfterMs)} s, ` +
      `every document ready at its latest version after ${seconds(readyAfterMs)} s (from the first batch)`,
  );
  console.log(`5xx responses: ${log.serverErrorCount()}; failed requests: ${log.failureCount()}`);
  console.log(describeVerification(verification));
  for (const failure of failures.slice(0, 5)) console.log(`stopped early: ${failure}`);
  process.exitCode = log.failureCount() === 0 && failures.length === 0 && verification.problems.length === 0 ? 0 : 1;
} catch (error) {
  console.error(`Server output:\n${server.output().slice(-5000)}`);
  throw error;
} finally {
  await server.stop();
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(1);
}

/** The first versions of every document, then new versions of the first `updates` of them, until all are ready. */
async function ingest(session: BenchSession, corpus: SyntheticCorpus, ledger: DocumentLedger): Promise<void> {
  const indexes = Array.from({ length: options.documents }, (_, index) => index);
  await ledger.upsert(session.admin, corpus, indexes, ingestConcurrency);
  await ledger.upsert(session.admin, corpus, indexes.slice(0, options.updates), ingestConcurrency);
  await waitUntilSettled(session.admin, options.documents, settleTimeoutMs);
}

async function converse(conversation: Conversation, corpus: SyntheticCorpus): Promise<void> {
  for (let turn = 0; turn < options.turns; turn++) await askNext(conversation, corpus.question());
}
