import { and, eq, gt } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createChunkSearch } from "../../worker/db/chunks";
import { findDocument } from "../../worker/db/documents";
import { chunks } from "../../worker/db/schema";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { HashingEmbedder } from "../../worker/models/hashing-embedder";
import { retrieveChunks } from "../../worker/rag/hybrid-retrieve";
import { createHarness, deliverBatch, drainQueue, expectSettled, type Harness } from "../support/ingest-harness";

const encoder = new TextEncoder();

/** A guide long enough to fan out into several slices at a slice size of 2. */
function guide(edition: string): string {
  const sections = ["install", "configure", "deploy", "monitor", "upgrade", "retire"].map(
    (name) => `## ${name}\n\n${`The ${name} step of edition ${edition} is described here at length. `.repeat(12)}`,
  );
  return `# Guide\n\n${sections.join("\n\n")}\n`;
}

function submissions(harness: Harness, edition: string) {
  const submission = (externalId: string, title: string, text: string) => ({
    tenantId: harness.tenantId,
    title,
    body: encoder.encode(text),
    contentType: "text/markdown",
    externalId,
    collection: "default",
    source: "batch" as const,
  });
  return [
    ...["alpha", "bravo", "charlie", "delta"].map((name) =>
      submission(name, name, `# ${name}\n\nThe ${name} note, edition ${edition}.`),
    ),
    submission("guide", "Guide", guide(edition)),
  ];
}

async function search(harness: Harness, query: string): Promise<string> {
  const results = await retrieveChunks(
    {
      chunkSearch: createChunkSearch(harness.deps.db),
      vectorIndex: harness.deps.vectorIndex,
      embedding: new HashingEmbedder(),
    },
    { tenantId: harness.tenantId, query, topK: 50, unreadableCollections: [] },
  );
  return results.map((result) => result.text).join("\n");
}

/** Takes every message the queue holds now. */
function takeAll(harness: Harness): IngestMessage[] {
  return harness.queue.messages.splice(0);
}

describe("duplicate messages are harmless", () => {
  it("every message of a batch delivered twice, one after the other", async () => {
    const harness = await createHarness({ sliceSize: 2 });
    await submitDocuments(harness.deps, submissions(harness, "one"));
    await drainQueue(harness);
    await submitDocuments(harness.deps, submissions(harness, "two"));

    for (let round = 0; round < 3; round += 1) {
      const messages = takeAll(harness);
      if (messages.length === 0) break;
      expect((await deliverBatch(harness, messages)).retryMessages).toEqual([]);
      expect((await deliverBatch(harness, messages)).retryMessages).toEqual([]);
    }
    const state = await expectSettled(harness.tenantId);
    expect(state.documents.map((document) => [document.status, document.activeVersion])).toEqual(
      Array.from({ length: 5 }, () => ["ready", 2]),
    );
    expect(await search(harness, "edition note step")).not.toContain("edition one");
  });

  it("every message of a batch delivered twice at the same time, deletes included", async () => {
    const harness = await createHarness({ sliceSize: 2 });
    const first = await submitDocuments(harness.deps, submissions(harness, "one"));
    await drainQueue(harness);
    await submitDocuments(harness.deps, submissions(harness, "two"));
    const removed = first[1]?.document;
    if (!removed) throw new Error("bravo was submitted");

    for (let round = 0; round < 3; round += 1) {
      const messages = takeAll(harness);
      if (messages.length === 0) break;
      const results = await Promise.all([deliverBatch(harness, messages), deliverBatch(harness, messages)]);
      expect(results.flatMap((result) => result.retryMessages)).toEqual([]);
    }
    const settled = await expectSettled(harness.tenantId);
    expect(settled.documents.map((document) => [document.status, document.activeVersion])).toEqual(
      Array.from({ length: 5 }, () => ["ready", 2]),
    );
    expect(await search(harness, "edition note step")).not.toContain("edition one");

    const deletion: IngestMessage = { type: "delete", tenantId: harness.tenantId, documentId: removed.id };
    await Promise.all([deliverBatch(harness, [deletion]), deliverBatch(harness, [deletion, deletion])]);
    const after = await expectSettled(harness.tenantId);
    expect(after.documents.map((document) => document.id)).not.toContain(removed.id);
    expect(after.documents).toHaveLength(4);
  });

  it("a slice of one attempt never switches to a version that a duplicate attempt is still staging", async () => {
    const harness = await createHarness({ sliceSize: 2 });
    const guideOf = (edition: string) => submissions(harness, edition).filter((entry) => entry.externalId === "guide");
    const [first] = await submitDocuments(harness.deps, guideOf("one"));
    if (!first) throw new Error("the guide was submitted");
    await drainQueue(harness);

    await submitDocuments(harness.deps, guideOf("two"));
    const ingest = takeAll(harness);
    expect((await deliverBatch(harness, ingest)).retryMessages).toEqual([]);
    const slices = takeAll(harness);
    expect(slices.length).toBeGreaterThan(2);
    // A duplicate of the ingest message has removed what was staged and written back only its first rows so far.
    await harness.deps.db
      .delete(chunks)
      .where(and(eq(chunks.documentId, first.document.id), eq(chunks.version, 2), gt(chunks.ordinal, 3)));

    // The first two slices cover those rows: all of them are indexed, yet the version is not complete.
    expect((await deliverBatch(harness, slices.slice(0, 2))).retryMessages).toEqual([]);
    expect(await findDocument(harness.deps.db, harness.tenantId, first.document.id)).toMatchObject({
      version: 2,
      activeVersion: 1,
    });
    expect(await search(harness, "edition step")).toContain("edition one");

    // The duplicate finishes staging and its slices run: the whole version is switched to.
    expect((await deliverBatch(harness, ingest)).retryMessages).toEqual([]);
    await drainQueue(harness);
    const settled = await expectSettled(harness.tenantId);
    expect(settled.documents.map((document) => [document.status, document.activeVersion])).toEqual([["ready", 2]]);
    expect(await search(harness, "edition step")).not.toContain("edition one");
  });
});
