import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../worker/config";
import { listDocuments } from "../../worker/db/documents";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { platformLimits } from "../../worker/lib/platform-limits";
import { createHarness, deliverBatch, expectSettled, type Harness } from "../support/ingest-harness";

// Local D1 enforces the production limits (5 compound SELECT terms, 100 bound parameters, 100 KB of SQL per
// statement), so a statement over any of them fails these tests as it would fail in production.

const encoder = new TextEncoder();
const secret = { AUTH_SECRET: "x".repeat(16) };

// The largest values the config accepts, and the largest queue batch a consumer is given.
const largest = {
  sliceSize: readConfig({ ...secret, INGEST_SLICE_SIZE: "1000" }).ingestSliceSize,
  chunking: readConfig({ ...secret, CHUNK_TARGET_CHARS: "8000", CHUNK_OVERLAP_CHARS: "2000" }).chunking,
  queueBatch: platformLimits.queues.sendBatchMessages,
};

function submissions(harness: Harness, count: number, text: (index: number) => string) {
  return Array.from({ length: count }, (_, index) => ({
    tenantId: harness.tenantId,
    title: `Note ${index}`,
    body: encoder.encode(text(index)),
    contentType: "text/markdown",
    externalId: `note-${index}`,
    collection: "default",
    source: "batch" as const,
  }));
}

/** Delivers everything queued, a whole queue batch at a time, until nothing is left; no message may be retried. */
async function deliverAll(harness: Harness): Promise<void> {
  for (
    let messages = harness.queue.messages.splice(0);
    messages.length > 0;
    messages = harness.queue.messages.splice(0)
  ) {
    for (let start = 0; start < messages.length; start += largest.queueBatch) {
      const batch: IngestMessage[] = messages.slice(start, start + largest.queueBatch);
      expect((await deliverBatch(harness, batch)).retryMessages).toEqual([]);
    }
  }
}

/** Paragraphs of about `length` characters, different in every edition, so each is a chunk of its own. */
function paragraphs(count: number, length: number, edition: string): string {
  return Array.from({ length: count }, (_, index) => {
    const sentence = `Paragraph ${index} of edition ${edition} says something about topic ${index % 97}. `;
    return sentence
      .repeat(Math.ceil(length / sentence.length))
      .slice(0, length)
      .trim();
  }).join("\n\n");
}

describe("every D1 statement stays within the platform's limits", () => {
  it("the config allows no larger slice or chunk than these tests use", () => {
    expect(() => readConfig({ ...secret, INGEST_SLICE_SIZE: String(largest.sliceSize + 1) })).toThrow();
    expect(() => readConfig({ ...secret, CHUNK_TARGET_CHARS: String(largest.chunking.targetChars + 1) })).toThrow();
  });

  it("a batch that updates six existing documents succeeds", async () => {
    const harness = await createHarness();
    await submitDocuments(
      harness.deps,
      submissions(harness, 6, (index) => `# Note ${index}\n\nEdition one of note ${index}.`),
    );
    await deliverBatch(harness, harness.queue.messages.splice(0));
    await submitDocuments(
      harness.deps,
      submissions(harness, 6, (index) => `# Note ${index}\n\nEdition two of note ${index}.`),
    );
    const result = await deliverBatch(harness, harness.queue.messages.splice(0));
    expect(result.retryMessages).toEqual([]);
    const { documents } = await listDocuments(harness.deps.db, harness.tenantId, { limit: 500 });
    expect(documents.map(({ status, activeVersion }) => ({ status, activeVersion }))).toEqual(
      Array.from({ length: 6 }, () => ({ status: "ready", activeVersion: 2 })),
    );
  });

  it("a full queue batch of updates to existing documents, with chunks of the largest size", async () => {
    const harness = await createHarness({ sliceSize: largest.sliceSize });
    harness.deps.chunking = largest.chunking;
    const count = largest.queueBatch;
    const text = (edition: string) => (index: number) =>
      `# Note ${index}\n\n${paragraphs(3, largest.chunking.targetChars * 2 - 100, `${edition} ${index}`)}`;
    await submitDocuments(harness.deps, submissions(harness, count, text("one")));
    await deliverAll(harness);
    await submitDocuments(harness.deps, submissions(harness, count, text("two")));
    await deliverAll(harness);

    const state = await expectSettled(harness.tenantId);
    expect(
      state.documents.filter((document) => document.status === "ready" && document.activeVersion === 2),
    ).toHaveLength(count);
    expect(state.servingRows).toBeGreaterThanOrEqual(count * 3);
    // Chunks of the largest size (8,000 characters) were written ten to an insert: the texts are bound parameters,
    // so the statement stays far below 100 KB of SQL.
    const [longest] = await harness.deps.db.all<{ length: number }>(
      sql`SELECT max(length(text)) AS length FROM chunks WHERE tenant_id = ${harness.tenantId}`,
    );
    expect(longest?.length).toBeGreaterThan(largest.chunking.targetChars * 0.9);
  }, 300_000);

  it("a document of thousands of chunks, updated, its slices of the largest size delivered in one batch", async () => {
    const harness = await createHarness({ sliceSize: largest.sliceSize });
    harness.deps.chunking = { targetChars: 200, overlapChars: 0 };
    const chunks = largest.sliceSize * 2 + 500;
    const text = (edition: string) => () => `# Long\n\n${paragraphs(chunks, 180, edition)}`;
    await submitDocuments(harness.deps, submissions(harness, 1, text("one")));
    await deliverAll(harness);
    await submitDocuments(harness.deps, submissions(harness, 1, text("two")));
    await deliverAll(harness);

    const state = await expectSettled(harness.tenantId);
    expect(state.documents).toEqual([expect.objectContaining({ status: "ready", version: 2, activeVersion: 2 })]);
    expect(state.servingRows).toBeGreaterThanOrEqual(chunks);
    // Version 2 changed every chunk: all of version 1's vectors were removed, in deletes of at most 1,000 ids.
    expect(state.vectors).toBe(state.servingRows);
  }, 300_000);
});
