import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../worker/db/client";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import { createHarness, deliverBatch, expectSettled } from "../support/ingest-harness";

// Through the HTTP API and the real local queue and consumer (batches of up to 100 messages), as in production.

const batchSize = 100;

async function stats(token: string) {
  const response = await call("/api/documents/stats", { token });
  return response.json<{ documents: number; ready: number; failed: number; pending: number }>();
}

/** Waits, without sleeping blindly, until no document of the tenant waits for the queue. */
async function waitUntilIndexed(token: string, expected: number): Promise<void> {
  await vi.waitUntil(
    async () => {
      const current = await stats(token);
      return current.documents === expected && current.pending === 0;
    },
    { timeout: 240_000, interval: 200 },
  );
}

async function versions(tenantId: string) {
  return createDb(env.DB).all<{ version: number; activeVersion: number; embeddingModel: string; count: number }>(sql`
    SELECT version, active_version AS activeVersion, embedding_model AS embeddingModel, count(*) AS count
    FROM documents WHERE tenant_id = ${tenantId} GROUP BY 1, 2, 3`);
}

describe("ingestion at scale", () => {
  it("updating 500 existing documents in batches of 100 ends with every one at its new version", async () => {
    const tenantId = uniqueTenant();
    const admin = await devToken("admin", tenantId);
    const count = 500;
    const submit = async (edition: string) => {
      for (let start = 0; start < count; start += batchSize) {
        const documents = Array.from({ length: batchSize }, (_, offset) => ({
          externalId: `doc-${start + offset}`,
          title: `Document ${start + offset}`,
          text: `# Document ${start + offset}\n\nEdition ${edition}: the figure of document ${start + offset} is ${edition}-${start + offset}.`,
        }));
        const response = await postJson("/api/documents/batch", { documents }, admin);
        expect(response.status).toBe(202);
      }
    };
    await submit("one");
    await waitUntilIndexed(admin, count);
    await submit("two");
    await waitUntilIndexed(admin, count);

    expect(await stats(admin)).toMatchObject({ documents: count, ready: count, failed: 0, pending: 0 });
    expect(await versions(tenantId)).toEqual([{ version: 2, activeVersion: 2, embeddingModel: "hashing-v1", count }]);
    await expectSettled(tenantId);
  }, 300_000);

  it("re-embed all after a model change: every document is embedded again and the old vectors are gone", async () => {
    // Indexed earlier with another model (the harness's counting embedder); the app now runs hashing-v1.
    const harness = await createHarness();
    const count = 500;
    const encoder = new TextEncoder();
    await submitDocuments(
      harness.deps,
      Array.from({ length: count }, (_, index) => ({
        tenantId: harness.tenantId,
        title: `Document ${index}`,
        body: encoder.encode(`# Document ${index}\n\nThe figure of document ${index} is ${index * 7}.`),
        contentType: "text/markdown",
        externalId: `doc-${index}`,
        collection: "default",
        source: "batch" as const,
      })),
    );
    for (let messages = harness.queue.messages.splice(0, batchSize); messages.length > 0; ) {
      expect((await deliverBatch(harness, messages)).retryMessages).toEqual([]);
      messages = harness.queue.messages.splice(0, batchSize);
    }
    expect(await versions(harness.tenantId)).toEqual([
      { version: 1, activeVersion: 1, embeddingModel: harness.deps.embeddingModelId, count },
    ]);
    const before = await expectSettled(harness.tenantId);

    const admin = await devToken("admin", harness.tenantId);
    const response = await postJson("/api/documents/reembed", {}, admin);
    expect(await response.json()).toEqual({ queued: count, embeddingModel: "hashing-v1" });
    await waitUntilIndexed(admin, count);

    expect(await versions(harness.tenantId)).toEqual([
      { version: 2, activeVersion: 2, embeddingModel: "hashing-v1", count },
    ]);
    const after = await expectSettled(harness.tenantId);
    // New vectors (their ids name the model) replaced the old ones one for one.
    expect(after.vectors).toBe(before.vectors);
    const again = await postJson("/api/documents/reembed", {}, admin);
    expect(await again.json()).toEqual({ queued: 0, embeddingModel: "hashing-v1" });
  }, 300_000);
});
