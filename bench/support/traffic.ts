/**
 * The requests the load and soak benchmarks make: questions read to the end of their answer stream, searches,
 * batch upserts and deletes, each recording what it changed so the run can be verified afterwards.
 */

import { readStream, streamedText } from "../../client/answer-stream.ts";
import { type ApiClient, readBody, type SuccessBody } from "../../client/api-client.ts";
import { ApiError } from "../../client/api-error.ts";
import { runConcurrently } from "../../scripts/ingest/run-concurrently.ts";
import { inGroups } from "../../worker/lib/in-groups.ts";
import type { LoggedApi } from "./logged-api.ts";
import { externalIdOf, type SyntheticCorpus } from "./synthetic-corpus.ts";

/** The tenant's ingestion counts, as `GET /api/documents/stats` answers them. */
export type IngestStats = SuccessBody<ApiClient["documents"]["stats"]["$get"]>;

/** `POST /api/documents/batch` takes at most 100 documents. */
const batchLimit = 100;

/** A conversation of one user and the questions it has been sent, in order. */
export interface Conversation {
  id: string;
  user: LoggedApi;
  questions: Array<{ id: string; text: string }>;
}

/**
 * Asks the next question of `conversation` and reads the SSE answer to its `[DONE]`; an `error` part, a stream
 * that ends early or an answer without text fail the call.
 */
export async function askNext(conversation: Conversation, text: string): Promise<void> {
  const question = { id: `${conversation.id}-q${conversation.questions.length + 1}`, text };
  // Recorded before it is sent: verification then reports a question that got no answer.
  conversation.questions.push(question);
  await conversation.user.call("chat", async (api) => {
    const response = await api.chat.$post({
      json: {
        id: conversation.id,
        message: { id: question.id, role: "user", parts: [{ type: "text", text: question.text }] },
      },
    });
    if (!response.ok) throw await ApiError.fromResponse(response);
    return readAnswer(response);
  });
}

/** The answer text of an SSE UI message stream read to its end. */
async function readAnswer(response: { body: ReadableStream | null }): Promise<string> {
  const { events, done } = await readStream(response);
  const failure = events.find((event) => event.chunk.type === "error");
  if (failure) throw new Error(`the answer failed: ${String(failure.chunk.errorText)}`);
  if (!done) throw new Error("the answer stream ended before [DONE]");
  const text = streamedText(events);
  if (text.trim().length === 0) throw new Error("the answer has no text");
  return text;
}

/** One search as a user runs it. */
export async function search(user: LoggedApi, query: string): Promise<void> {
  await user.call("search", (api) => readBody(api.search.$post({ json: { query } })));
}

/** What the tenant should hold: each live document's index, id and latest version, and the deleted ones. */
export class DocumentLedger {
  readonly live = new Map<number, { id: string; version: number }>();
  readonly deleted = new Map<number, { id: string; version: number }>();

  /** Sends versions of the documents `indexes` (the next version of each) in batches of `batchLimit`. */
  async upsert(
    admin: LoggedApi,
    corpus: SyntheticCorpus,
    indexes: readonly number[],
    concurrency: number,
  ): Promise<void> {
    await runConcurrently(inGroups(indexes, batchLimit), concurrency, async (batch) => {
      const versions = batch.map((index) => ({ index, version: (this.live.get(index)?.version ?? 0) + 1 }));
      const { documents } = await admin.call("batch", (api) =>
        readBody(
          api.documents.batch.$post({
            json: { documents: versions.map(({ index, version }) => corpus.document(index, version)) },
          }),
        ),
      );
      for (const { index, version } of versions) {
        const stored = documents.find((document) => document.externalId === externalIdOf(index));
        if (!stored) throw new Error(`the batch answer lacks ${externalIdOf(index)}`);
        this.live.set(index, { id: stored.id, version });
        this.deleted.delete(index);
      }
    });
  }

  /** Deletes the live document `index`. */
  async delete(admin: LoggedApi, index: number): Promise<void> {
    const document = this.live.get(index);
    if (!document) throw new Error(`document ${index} is not live`);
    await admin.call("delete", (api) => readBody(api.documents[":id"].$delete({ param: { id: document.id } })));
    this.live.delete(index);
    this.deleted.set(index, document);
  }
}

/** Polls the tenant's ingestion until every document left is ready or failed and deletions are done. */
export async function waitUntilSettled(
  admin: LoggedApi,
  liveDocuments: number,
  timeoutMs: number,
): Promise<IngestStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await admin.call("stats", (api) => readBody(api.documents.stats.$get()));
    const settled = stats.ready + stats.failed;
    if (stats.documents === liveDocuments && settled === liveDocuments) return stats;
    if (Date.now() > deadline) {
      throw new Error(`not settled within ${timeoutMs / 1000} s: ${JSON.stringify(stats)}`);
    }
    // Ingestion runs in the server's queue: there is nothing to await but the next look.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
