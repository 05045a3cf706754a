import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../worker/db/client";
import { findDocument } from "../../worker/db/documents";
import { tenants } from "../../worker/db/schema";
import worker from "../../worker/index";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocument } from "../../worker/ingest/submit-document";
import { uniqueTenant } from "../support/api";

/** Collects messages instead of delivering them, so this test drives the consumer itself, step by step. */
class CollectingQueue implements Pick<Queue<IngestMessage>, "send"> {
  readonly messages: IngestMessage[] = [];
  async send(message: IngestMessage): Promise<QueueSendResponse> {
    this.messages.push(message);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date() } } };
  }
}

async function deliver(queueName: string, message: IngestMessage, attempts: number) {
  const batch = createMessageBatch<IngestMessage>(queueName, [
    { id: `message-${attempts}`, timestamp: new Date(), attempts, body: message },
  ]);
  // The pool's queue result records which messages were retried but not their delay, so watch the call.
  const [delivered] = batch.messages;
  if (!delivered) throw new Error("createMessageBatch made an empty batch");
  const retry = vi.spyOn(delivered, "retry");
  const context = createExecutionContext();
  await worker.queue(batch, env);
  return { ...(await getQueueResult(batch, context)), retryOptions: retry.mock.calls.map(([options]) => options) };
}

describe("ingestion failures are retried, then recorded with a readable reason", () => {
  it("retries a file that is not UTF-8 with backoff, then the dead-letter consumer marks it failed", async () => {
    const db = createDb(env.DB);
    const tenantId = uniqueTenant();
    await db.insert(tenants).values({ id: tenantId, name: tenantId });
    const queue = new CollectingQueue();
    const { document } = await submitDocument(
      { db, bucket: env.DOCUMENTS, queue },
      {
        tenantId,
        title: "Broken",
        body: new Uint8Array([0x48, 0x69, 0xff, 0xfe, 0x00]),
        contentType: "text/plain",
        externalId: null,
        collection: "default",
        source: "upload",
      },
    );
    const [message] = queue.messages;
    if (!message) throw new Error("submitDocument queued nothing");

    const first = await deliver("edge-rag-chat-ingest", message, 1);
    expect(first.retryMessages).toEqual([{ msgId: "message-1" }]);
    expect(first.retryOptions).toEqual([{ delaySeconds: 2 }]);
    const second = await deliver("edge-rag-chat-ingest", message, 2);
    expect(second.retryOptions).toEqual([{ delaySeconds: 4 }]);
    expect(await findDocument(db, tenantId, document.id)).toMatchObject({
      status: "queued",
      error: "Attempt 2 failed: The file is not valid UTF-8 text",
    });

    const deadLetter = await deliver("edge-rag-chat-ingest-dlq", message, 1);
    expect(deadLetter.explicitAcks).toEqual(["message-1"]);
    expect(await findDocument(db, tenantId, document.id)).toMatchObject({
      status: "failed",
      error: "The file is not valid UTF-8 text",
    });
  });

  it("drops a message for a version that is no longer current", async () => {
    const db = createDb(env.DB);
    const tenantId = uniqueTenant();
    await db.insert(tenants).values({ id: tenantId, name: tenantId });
    const queue = new CollectingQueue();
    const submission = {
      tenantId,
      title: "Notes",
      contentType: "text/markdown",
      externalId: "notes",
      collection: "default",
      source: "batch" as const,
    };
    const encoder = new TextEncoder();
    await submitDocument(
      { db, bucket: env.DOCUMENTS, queue },
      { ...submission, body: encoder.encode("# Notes\n\nOld.") },
    );
    await submitDocument(
      { db, bucket: env.DOCUMENTS, queue },
      { ...submission, body: encoder.encode("# Notes\n\nNew.") },
    );
    const [stale, current] = queue.messages;
    if (!stale || !current) throw new Error("expected two versions to be queued");

    const result = await deliver("edge-rag-chat-ingest", stale, 1);
    expect(result.explicitAcks).toEqual(["message-1"]);
    expect(await findDocument(db, tenantId, current.documentId)).toMatchObject({ status: "queued", version: 2 });
  });
});
