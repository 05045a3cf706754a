import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { findDocument } from "../../worker/db/documents";
import { consumeIngestBatch } from "../../worker/ingest/ingest-consumer";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocument } from "../../worker/ingest/submit-document";
import {
  createHarness,
  deliverBatch,
  drainQueue,
  expectSettled,
  type Fault,
  faultyBucket,
  faultyVectorIndex,
  type Harness,
  inspectTenant,
} from "../support/ingest-harness";

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

describe("a failed version leaves nothing behind", () => {
  const handbook = (edition: string) =>
    `# Handbook\n\n## Travel\n\nTrains are booked by the travel desk (${edition}).\n\n## Leave\n\nStaff get paid leave (${edition}).\n\n## Kit\n\nA laptop and a headset (${edition}).`;
  const submission = (harness: Harness, text: string, contentType = "text/markdown") => ({
    tenantId: harness.tenantId,
    title: "Handbook",
    body: new TextEncoder().encode(text),
    contentType,
    externalId: "handbook",
    collection: "default",
    source: "batch" as const,
  });

  it("after its last retry (dead-letter path): its staged rows and the vectors only it used go, the active version stays", async () => {
    const harness = await createHarness({ sliceSize: 2 });
    await submitDocument(harness.deps, submission(harness, handbook("edition one")));
    await drainQueue(harness);
    const before = await expectSettled(harness.tenantId);

    // Version 2 stages its chunks and embeds its first slice, then the vector index fails for good.
    await submitDocument(harness.deps, submission(harness, handbook("edition two")));
    const fault: Fault = { message: null };
    harness.deps.vectorIndex = faultyVectorIndex(harness.deps.vectorIndex, fault);
    await drainQueue(harness, { limit: 2 });
    const midway = await inspectTenant(harness.tenantId);
    expect(midway.strayRows).toBeGreaterThan(0);
    fault.message = "vector index write failed";
    await drainQueue(harness);

    const after = await expectSettled(harness.tenantId);
    expect(after.documents).toEqual([
      expect.objectContaining({
        status: "failed",
        version: 2,
        activeVersion: 1,
        error: "Ingestion failed on our side (vector index error)",
      }),
    ]);
    expect({ rows: after.servingRows, vectors: after.vectors }).toEqual({
      rows: before.servingRows,
      vectors: before.vectors,
    });
  });

  it("when it fails at once (consumer path): the same, for a file that can no longer be parsed", async () => {
    const harness = await createHarness({ sliceSize: 2 });
    await submitDocument(harness.deps, submission(harness, handbook("edition one")));
    await drainQueue(harness);
    const before = await expectSettled(harness.tenantId);

    // Version 2 stages its chunks and embeds its first slice; then its file is overwritten with bytes that are not
    // text, and its ingest message comes again (a re-send by the reconciler).
    const { document } = await submitDocument(harness.deps, submission(harness, handbook("edition two")));
    const [ingest] = harness.queue.messages;
    if (ingest?.type !== "ingest") throw new Error("version 2 was queued");
    await drainQueue(harness, { limit: 2 });
    expect((await inspectTenant(harness.tenantId)).strayRows).toBeGreaterThan(0);
    expect((await inspectTenant(harness.tenantId)).vectors).toBeGreaterThan(before.vectors);
    await env.DOCUMENTS.put(document.r2Key, new Uint8Array([0x48, 0x69, 0xff, 0xfe, 0x00]));
    const result = await deliverBatch(harness, [ingest]);
    expect(result.retryMessages).toEqual([]);

    const after = await expectSettled(harness.tenantId);
    expect(after.documents).toEqual([
      expect.objectContaining({
        status: "failed",
        version: 2,
        activeVersion: 1,
        error: "The file is not valid UTF-8 text",
      }),
    ]);
    expect({ rows: after.servingRows, vectors: after.vectors }).toEqual({
      rows: before.servingRows,
      vectors: before.vectors,
    });
  });
});
