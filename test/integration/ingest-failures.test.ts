import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { findDocument } from "../../worker/db/documents";
import { consumeIngestBatch } from "../../worker/ingest/ingest-consumer";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocument } from "../../worker/ingest/submit-document";
import { createHarness, type Fault, faultyBucket, type Harness } from "../support/ingest-harness";

async function deliver(harness: Harness, message: IngestMessage, attempts: number) {
  const batch = createMessageBatch<IngestMessage>("edge-rag-chat-ingest", [
    { id: `message-${attempts}`, timestamp: new Date(), attempts, body: message },
  ]);
  // The pool's queue result records which messages were retried but not their delay, so watch the call.
  const [delivered] = batch.messages;
  if (!delivered) throw new Error("createMessageBatch made an empty batch");
  const retry = vi.spyOn(delivered, "retry");
  const context = createExecutionContext();
  await consumeIngestBatch(batch, harness.deps);
  return { ...(await getQueueResult(batch, context)), retryOptions: retry.mock.calls.map(([options]) => options) };
}

describe("the ingest consumer's retries", () => {
  it("retries with exponential backoff and records each failed attempt on the document", async () => {
    const fault: Fault = { message: "R2 is unavailable" };
    const harness = await createHarness({ bucket: faultyBucket(env.DOCUMENTS, fault) });
    const { document } = await submitDocument(harness.deps, {
      tenantId: harness.tenantId,
      title: "Notes",
      body: new TextEncoder().encode("# Notes\n\nSome notes."),
      contentType: "text/markdown",
      externalId: null,
      collection: "default",
      source: "upload",
    });
    const message = harness.queue.take();
    if (!message) throw new Error("submitDocument queued nothing");

    const first = await deliver(harness, message, 1);
    expect(first.retryMessages).toEqual([{ msgId: "message-1" }]);
    expect(first.retryOptions).toEqual([{ delaySeconds: 2 }]);
    const second = await deliver(harness, message, 2);
    expect(second.retryOptions).toEqual([{ delaySeconds: 4 }]);
    expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toMatchObject({
      status: "processing",
      error: "Attempt 2 failed: Ingestion failed on our side (file storage error); it will be retried",
    });
  });

  it("fails a file that cannot be parsed at once, without retrying it", async () => {
    const harness = await createHarness();
    const { document } = await submitDocument(harness.deps, {
      tenantId: harness.tenantId,
      title: "Broken",
      body: new Uint8Array([0x48, 0x69, 0xff, 0xfe, 0x00]),
      contentType: "text/plain",
      externalId: null,
      collection: "default",
      source: "upload",
    });
    const message = harness.queue.take();
    if (!message) throw new Error("submitDocument queued nothing");
    const result = await deliver(harness, message, 1);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(["message-1"]);
    expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toMatchObject({
      status: "failed",
      error: "The file is not valid UTF-8 text",
    });
  });

  it("drops a message for a version that is no longer current", async () => {
    const harness = await createHarness();
    const submission = {
      tenantId: harness.tenantId,
      title: "Notes",
      contentType: "text/markdown",
      externalId: "notes",
      collection: "default",
      source: "batch" as const,
    };
    const encoder = new TextEncoder();
    await submitDocument(harness.deps, { ...submission, body: encoder.encode("# Notes\n\nOld.") });
    await submitDocument(harness.deps, { ...submission, body: encoder.encode("# Notes\n\nNew.") });
    const [stale, current] = harness.queue.messages;
    if (stale?.type !== "ingest" || current?.type !== "ingest") throw new Error("expected two versions to be queued");

    const result = await deliver(harness, stale, 1);
    expect(result.explicitAcks).toEqual(["message-1"]);
    expect(await findDocument(harness.deps.db, harness.tenantId, current.documentId)).toMatchObject({
      status: "queued",
      version: 2,
    });
  });
});
