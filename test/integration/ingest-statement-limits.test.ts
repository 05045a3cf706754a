import { describe, expect, it } from "vitest";
import { listDocuments } from "../../worker/db/documents";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { createHarness, deliverBatch, type Harness } from "../support/ingest-harness";

const encoder = new TextEncoder();

function submissions(harness: Harness, count: number, edition: string) {
  return Array.from({ length: count }, (_, index) => ({
    tenantId: harness.tenantId,
    title: `Note ${index}`,
    body: encoder.encode(`# Note ${index}\n\nEdition ${edition} of note ${index}.`),
    contentType: "text/markdown",
    externalId: `note-${index}`,
    collection: "default",
    source: "batch" as const,
  }));
}

describe("D1 statement limits", () => {
  it("a batch that updates six existing documents succeeds", async () => {
    const harness = await createHarness();
    await submitDocuments(harness.deps, submissions(harness, 6, "one"));
    await deliverBatch(harness, harness.queue.messages.splice(0));
    await submitDocuments(harness.deps, submissions(harness, 6, "two"));
    const result = await deliverBatch(harness, harness.queue.messages.splice(0));
    expect(result.retryMessages).toEqual([]);
    const documents = await listDocuments(harness.deps.db, harness.tenantId);
    expect(documents.map(({ status, activeVersion }) => ({ status, activeVersion }))).toEqual(
      Array.from({ length: 6 }, () => ({ status: "ready", activeVersion: 2 })),
    );
  });
});
