import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createChunkSearch } from "../../worker/db/chunks";
import { documentsWithOtherEmbeddingModel, findDocumentByExternalId } from "../../worker/db/documents";
import { handleR2Event, type R2Event } from "../../worker/ingest/r2-event";
import { reingestDocument, submitDocument } from "../../worker/ingest/submit-document";
import { HashingEmbedder } from "../../worker/models/hashing-embedder";
import { retrieveChunks } from "../../worker/rag/hybrid-retrieve";
import { createHarness, drainQueue, type Harness } from "../support/ingest-harness";

function event(action: string, key: string): R2Event {
  return {
    account: "account",
    bucket: "edge-rag-chat-documents",
    action,
    object: { key },
    eventTime: new Date().toISOString(),
  };
}

async function search(harness: Harness, query: string) {
  const results = await retrieveChunks(
    // A separate embedder, so the counting one only counts ingestion.
    {
      chunkSearch: createChunkSearch(harness.deps.db),
      vectorIndex: harness.deps.vectorIndex,
      embedding: new HashingEmbedder(),
    },
    { tenantId: harness.tenantId, query, topK: 10, unreadableCollections: [] },
  );
  return results.map((result) => result.text).join("\n");
}

describe("files dropped into the R2 inbox", () => {
  it("become documents keyed by their path, are updated in place, and deleted with the file", async () => {
    const harness = await createHarness();
    const key = `inbox/${harness.tenantId}/guides/setup.md`;
    await env.DOCUMENTS.put(key, "# Setup\n\nInstall the gateway on port 8443 before anything else.");
    await handleR2Event(harness.deps, event("PutObject", key));
    await drainQueue(harness);
    const created = await findDocumentByExternalId(harness.deps.db, harness.tenantId, "guides/setup.md");
    // Named by its `# heading`, the file's own title.
    expect(created).toMatchObject({ source: "r2", title: "Setup", status: "ready", r2Key: key, version: 1 });
    expect(await search(harness, "gateway port")).toContain("8443");

    await env.DOCUMENTS.put(key, "# Setup\n\nInstall the gateway on port 9443 before anything else.");
    await handleR2Event(harness.deps, event("PutObject", key));
    await drainQueue(harness);
    expect(await findDocumentByExternalId(harness.deps.db, harness.tenantId, "guides/setup.md")).toMatchObject({
      id: created?.id,
      status: "ready",
      version: 2,
    });
    expect(await search(harness, "gateway port")).toContain("9443");

    await env.DOCUMENTS.delete(key);
    await handleR2Event(harness.deps, event("DeleteObject", key));
    await drainQueue(harness);
    expect(await findDocumentByExternalId(harness.deps.db, harness.tenantId, "guides/setup.md")).toBeUndefined();
    expect(await search(harness, "gateway port")).toBe("");
  });

  it("records a file that cannot be ingested as a failed document with the reason", async () => {
    const harness = await createHarness();
    const key = `inbox/${harness.tenantId}/photo.md`;
    await env.DOCUMENTS.put(key, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await handleR2Event(harness.deps, event("PutObject", key));
    expect(await findDocumentByExternalId(harness.deps.db, harness.tenantId, "photo.md")).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/^Unsupported file type/),
    });
    expect(harness.queue.messages).toEqual([]);
  });

  it("records a file over the size limit as failed, and ignores a path no external id may have", async () => {
    const harness = await createHarness();
    const key = `inbox/${harness.tenantId}/archive/huge.md`;
    await env.DOCUMENTS.put(key, new Uint8Array(harness.deps.maxFileBytes + 1).fill(0x61));
    await handleR2Event(harness.deps, event("PutObject", key));
    expect(await findDocumentByExternalId(harness.deps.db, harness.tenantId, "archive/huge.md")).toMatchObject({
      status: "failed",
      title: "huge",
      error: 'Files are limited to 1 MB, and "huge.md" is larger',
    });

    const controlKey = `inbox/${harness.tenantId}/bad\u0000name.md`;
    await env.DOCUMENTS.put(controlKey, "# Bad name");
    await handleR2Event(harness.deps, event("PutObject", controlKey));
    expect(await findDocumentByExternalId(harness.deps.db, harness.tenantId, "bad\u0000name.md")).toBeUndefined();
    expect(harness.queue.messages).toEqual([]);
  });

  it("ignores keys outside the inbox and tenants that do not exist", async () => {
    const harness = await createHarness();
    await env.DOCUMENTS.put(`documents/${harness.tenantId}/x/v1`, "# Mine");
    await handleR2Event(harness.deps, event("PutObject", `documents/${harness.tenantId}/x/v1`));
    await env.DOCUMENTS.put("inbox/no-such-tenant/a.md", "# A");
    await handleR2Event(harness.deps, event("PutObject", "inbox/no-such-tenant/a.md"));
    expect(harness.queue.messages).toEqual([]);
  });
});

describe("changing the embedding model", () => {
  it("re-embeds every document, while the old vectors serve until each is switched", async () => {
    const harness = await createHarness();
    const { document } = await submitDocument(harness.deps, {
      tenantId: harness.tenantId,
      title: "Handbook",
      body: new TextEncoder().encode(
        "# Handbook\n\n## Leave\n\nStaff get 25 days of paid leave.\n\n## Kit\n\nA laptop.",
      ),
      contentType: "text/markdown",
      externalId: "handbook",
      collection: "default",
      source: "batch",
    });
    await drainQueue(harness);
    const firstModel = harness.embedder.embedded;

    harness.deps.embeddingModelId = "another-model";
    const stale = await documentsWithOtherEmbeddingModel(harness.deps.db, harness.tenantId, "another-model");
    expect(stale.map((row) => row.id)).toEqual([document.id]);
    for (const row of stale) await reingestDocument(harness.deps, row);
    expect(await search(harness, "paid leave")).toContain("25 days");
    await drainQueue(harness);

    expect(harness.embedder.embedded).toBe(firstModel * 2);
    expect(await documentsWithOtherEmbeddingModel(harness.deps.db, harness.tenantId, "another-model")).toEqual([]);
    expect((await env.LOCAL_VECTOR_INDEX.getByName(harness.tenantId).describe()).vectorCount).toBe(firstModel);
    expect(await search(harness, "paid leave")).toContain("25 days");
  });
});
