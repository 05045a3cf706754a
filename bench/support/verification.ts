/**
 * Checks through the API, after a run, that nothing was lost: every conversation holds every question with a
 * complete answer after it, in order; every document is ready at its latest version with all its chunks of that
 * version and none of an older one; deleted documents are gone.
 */
import { readBody } from "../../client/api-client.ts";
import { runConcurrently } from "../../scripts/ingest/run-concurrently.ts";
import type { SearchResult } from "../../worker/contract.ts";
import type { BenchSession } from "./bench-session.ts";
import type { LoggedApi } from "./logged-api.ts";
import { containsWord, externalIdOf, markerWord } from "./synthetic-corpus.ts";
import type { Conversation, DocumentLedger } from "./traffic.ts";

export interface Verification {
  /** What was checked, one line each. */
  checked: string[];
  /** What was wrong; empty when the run verified. */
  problems: string[];
}

/** Checks running at once: enough to keep the server busy, few enough to leave its answers fast. */
const checksAtOnce = 4;

/**
 * Runs a check on each item; a request that fails (already in the request log) is a problem of that item and the
 * other items are still checked.
 */
function checkEach<Item>(
  items: readonly Item[],
  problems: string[],
  check: (item: Item) => Promise<void>,
): Promise<void> {
  return runConcurrently(items, checksAtOnce, async (item) => {
    try {
      await check(item);
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  });
}

/** Problems listed in full at most; the count covers them all. */
const shownProblems = 10;

export function describeVerification({ checked, problems }: Verification): string {
  const lines = [...checked.map((line) => `  ${line}`)];
  if (problems.length === 0) return ["Verification: complete", ...lines].join("\n");
  return [
    `Verification: FAILED (${problems.length} problems)`,
    ...lines,
    ...problems.slice(0, shownProblems).map((problem) => `  problem: ${problem}`),
  ].join("\n");
}

function messageText(message: { parts: ReadonlyArray<{ type: string }> } | undefined): string {
  return (message?.parts ?? [])
    .flatMap((part) => (part.type === "text" && "text" in part && typeof part.text === "string" ? [part.text] : []))
    .join("");
}

/** Every question of every conversation is stored, in order, each followed by a complete answer with text. */
export async function verifyConversations(conversations: readonly Conversation[]): Promise<Verification> {
  const problems: string[] = [];
  let questions = 0;
  await checkEach(conversations, problems, async (conversation) => {
    // Each page holds 200 messages at most; the benchmarks' conversations are shorter than that.
    const page = await conversation.user.call("verify conversation", (api) =>
      readBody(api.conversations[":id"].$get({ param: { id: conversation.id }, query: { limit: "200" } })),
    );
    const problem = (text: string): void => {
      problems.push(`conversation ${conversation.id}: ${text}`);
    };
    if (page.answering) problem("still answering");
    if (page.olderCursor !== null) problem("has more messages than one page");
    if (page.messages.length !== conversation.questions.length * 2) {
      problem(`${page.messages.length} messages for ${conversation.questions.length} questions`);
    }
    conversation.questions.forEach((question, turn) => {
      const [asked, answer] = [page.messages[turn * 2], page.messages[turn * 2 + 1]];
      if (asked?.id !== question.id || asked.role !== "user" || messageText(asked) !== question.text) {
        problem(`message ${turn * 2} is not question ${question.id}`);
      } else if (answer?.role !== "assistant") {
        problem(`question ${question.id} has no answer after it`);
      } else if (answer.metadata?.status !== "complete" || messageText(answer).trim().length === 0) {
        problem(
          `the answer to ${question.id} is ${answer.metadata?.status ?? "without status"}: ${answer.metadata?.reason ?? ""}`,
        );
      } else {
        questions++;
      }
    });
  });
  return {
    checked: [
      `${conversations.length} conversations: ${questions} questions stored, each with a complete answer after it`,
    ],
    problems,
  };
}

/**
 * Every live document is ready at its latest version, and its chunks, as a search limited to it finds them, are all
 * of that version and as many as the document says; a search for its marker word finds it; no search finds the
 * marker of an older version or of a deleted document; the tenant's chunk count is the documents' sum.
 */
export async function verifyDocuments(
  admin: LoggedApi,
  searchers: readonly LoggedApi[],
  ledger: DocumentLedger,
): Promise<Verification> {
  const problems: string[] = [];
  // Each document is read on its own: `GET /api/documents` lists only the newest 500.
  const stats = await admin.call("verify documents", (api) => readBody(api.documents.stats.$get()));
  if (stats.documents !== ledger.live.size) {
    problems.push(`the tenant has ${stats.documents} documents, ${ledger.live.size} expected`);
  }
  let chunkSum = 0;

  // Searches are limited per user (300 a minute): the checks take turns among the run's users.
  let searches = 0;
  const searchFor = (query: string, documentId?: string) =>
    (searchers[searches++ % searchers.length] ?? admin).call("verify search", (api) =>
      readBody(
        api.search.$post({
          json:
            documentId === undefined
              ? { query, topK: 10 }
              : { query, topK: 100, filter: { documentIds: [documentId] } },
        }),
      ),
    );
  const mentions = (results: SearchResult[], word: string) =>
    results.filter((result) => containsWord(result.text, word));

  let verifiedDocuments = 0;
  let verifiedChunks = 0;
  let olderMarkers = 0;
  await checkEach([...ledger.live.entries()], problems, async ([index, expected]) => {
    const problem = (text: string): void => {
      problems.push(`${externalIdOf(index)}: ${text}`);
    };
    const { document } = await admin.call("verify documents", (api) =>
      readBody(api.documents[":id"].$get({ param: { id: expected.id } })),
    );
    chunkSum += document.chunksTotal;
    if (document.externalId !== externalIdOf(index))
      return problem(`its id ${expected.id} names ${document.externalId}`);
    if (
      document.status !== "ready" ||
      document.version !== expected.version ||
      document.activeVersion !== expected.version
    ) {
      return problem(
        `${document.status} at version ${document.version} (serving ${document.activeVersion}), expected ready at ${expected.version}${document.error ? `: ${document.error}` : ""}`,
      );
    }
    const marker = markerWord(index, expected.version);
    const chunks = (await searchFor(marker, document.id)).results;
    const current = mentions(chunks, marker);
    if (chunks.length !== document.chunksTotal || current.length !== chunks.length) {
      return problem(
        `${chunks.length} chunks found (${current.length} of version ${expected.version}), ${document.chunksTotal} expected`,
      );
    }
    const found = mentions((await searchFor(marker)).results, marker);
    if (!found.some((result) => result.documentId === document.id)) return problem(`a search for ${marker} misses it`);
    for (let version = 1; version < expected.version; version++) {
      const older = markerWord(index, version);
      olderMarkers++;
      if (mentions((await searchFor(older)).results, older).length > 0)
        return problem(`version ${version} is still found`);
    }
    verifiedDocuments++;
    verifiedChunks += chunks.length;
  });

  await checkEach([...ledger.deleted.entries()], problems, async ([index, deleted]) => {
    const marker = markerWord(index, deleted.version);
    if (mentions((await searchFor(marker)).results, marker).length > 0) {
      problems.push(`${externalIdOf(index)}: deleted but ${marker} is still found`);
    }
  });

  if (chunkSum !== stats.chunks) problems.push(`documents count ${chunkSum} chunks, the index serves ${stats.chunks}`);
  return {
    checked: [
      `${verifiedDocuments}/${ledger.live.size} documents ready at their latest version; ${verifiedChunks} chunks, all of that version, found by searches limited to their document`,
      `each document found by a search for its marker; ${olderMarkers} older versions' markers and ${ledger.deleted.size} deleted documents' markers found nowhere`,
      `the tenant serves ${stats.chunks} chunks, the documents' sum ${chunkSum}`,
    ],
    problems,
  };
}

/** Every conversation and document of a run, checked as the two functions above do. */
export async function verifyRun(
  session: BenchSession,
  conversations: readonly Conversation[],
  ledger: DocumentLedger,
): Promise<Verification> {
  const parts = [await verifyConversations(conversations), await verifyDocuments(session.admin, session.users, ledger)];
  return { checked: parts.flatMap((part) => part.checked), problems: parts.flatMap((part) => part.problems) };
}
