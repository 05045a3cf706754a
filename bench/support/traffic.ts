/**
 * The requests the load and soak benchmarks make: questions read to the end of their answer stream, searches,
 * batch upserts and deletes, each recording what it changed so the run can be verified afterwards.
 */
import type { ApiClient } from "./api-client.ts";
import {
  batchResponseSchema,
  documentResponseSchema,
  type IngestStatsFields,
  ingestStatsSchema,
  searchResponseSchema,
  streamChunkSchema,
} from "./api-shapes.ts";
import { sseData } from "./sse-data.ts";
import { externalIdOf, type SyntheticCorpus } from "./synthetic-corpus.ts";

/** `POST /api/documents/batch` takes at most 100 documents. */
const batchLimit = 100;

/** Runs `work` on every item, at most `concurrency` at a time. */
export async function forEachConcurrently<Item>(
  items: readonly Item[],
  concurrency: number,
  work: (item: Item, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      for (let index = next++; index < items.length; index = next++) {
        const item = items[index];
        if (item !== undefined) await work(item, index);
      }
    }),
  );
}

/** A conversation of one user and the questions it has been sent, in order. */
export interface Conversation {
  id: string;
  user: ApiClient;
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
  await conversation.user.exchange(
    {
      kind: "chat",
      method: "POST",
      path: "/api/chat",
      body: {
        id: conversation.id,
        message: { id: question.id, role: "user", parts: [{ type: "text", text: question.text }] },
      },
    },
    readAnswerStream,
  );
}

/** The answer text of an SSE UI message stream read to its end. */
export async function readAnswerStream(response: Response): Promise<string> {
  let text = "";
  let done = false;
  for await (const data of sseData(response)) {
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    const chunk = streamChunkSchema.parse(JSON.parse(data));
    if (chunk.type === "error") throw new Error(`the answer failed: ${chunk.errorText}`);
    if (chunk.type === "text-delta") text += chunk.delta ?? "";
  }
  if (!done) throw new Error("the answer stream ended before [DONE]");
  if (text.trim().length === 0) throw new Error("the answer has no text");
  return text;
}

/** One search as a user runs it. */
export async function search(user: ApiClient, query: string): Promise<void> {
  await user.json({ kind: "search", method: "POST", path: "/api/search", body: { query } }, searchResponseSchema);
}

/** What the tenant should hold: each live document's index, id and latest version, and the deleted ones. */
export class DocumentLedger {
  readonly live = new Map<number, { id: string; version: number }>();
  readonly deleted = new Map<number, { id: string; version: number }>();

  /** Sends versions of the documents `indexes` (the next version of each) in batches of `batchLimit`. */
  async upsert(
    admin: ApiClient,
    corpus: SyntheticCorpus,
    indexes: readonly number[],
    concurrency: number,
  ): Promise<void> {
    const batches: number[][] = [];
    for (let start = 0; start < indexes.length; start += batchLimit) {
      batches.push(indexes.slice(start, start + batchLimit));
    }
    await forEachConcurrently(batches, concurrency, async (batch) => {
      const versions = batch.map((index) => ({ index, version: (this.live.get(index)?.version ?? 0) + 1 }));
      const { documents } = await admin.json(
        {
          kind: "batch",
          method: "POST",
          path: "/api/documents/batch",
          body: { documents: versions.map(({ index, version }) => corpus.document(index, version)) },
        },
        batchResponseSchema,
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
  async delete(admin: ApiClient, index: number): Promise<void> {
    const document = this.live.get(index);
    if (!document) throw new Error(`document ${index} is not live`);
    await admin.json(
      { kind: "delete", method: "DELETE", path: `/api/documents/${document.id}` },
      documentResponseSchema,
    );
    this.live.delete(index);
    this.deleted.set(index, document);
  }
}

/** Polls the tenant's ingestion until every document left is ready or failed and deletions are done. */
export async function waitUntilSettled(
  admin: ApiClient,
  liveDocuments: number,
  timeoutMs: number,
): Promise<IngestStatsFields> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await admin.json({ kind: "stats", method: "GET", path: "/api/documents/stats" }, ingestStatsSchema);
    const settled = stats.ready + stats.failed;
    if (stats.documents === liveDocuments && settled === liveDocuments) return stats;
    if (Date.now() > deadline) {
      throw new Error(`not settled within ${timeoutMs / 1000} s: ${JSON.stringify(stats)}`);
    }
    // Ingestion runs in the server's queue: there is nothing to await but the next look.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
