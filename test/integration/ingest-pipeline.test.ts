import { env } from "cloudflare:workers";
import { and, eq, ne, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createChunkSearch } from "../../worker/db/chunks";
import { createDb } from "../../worker/db/client";
import { findDocument } from "../../worker/db/documents";
import { chunks, ingestJobs } from "../../worker/db/schema";
import { documentPrefix } from "../../worker/ingest/object-keys";
import { reconcilePendingWork } from "../../worker/ingest/reconcile-pending-work";
import { reingestDocument, submitDocument } from "../../worker/ingest/submit-document";
import { retrieveChunks } from "../../worker/rag/hybrid-retrieve";
import {
  createHarness,
  drainQueue,
  type Fault,
  faultyBucket,
  faultyDatabase,
  faultyVectorIndex,
  type Harness,
} from "../support/ingest-harness";
import { policyParagraphs, randomParagraph } from "../support/policy-text";

const encoder = new TextEncoder();

/** A handbook with one chunk per section, so an edit to one paragraph touches exactly one chunk. */
function handbook(overrides: Partial<Record<"travel" | "equipment" | "leave" | "security", string>> = {}): string {
  const sections = {
    travel: "Trains are booked through the travel desk; hotels are reimbursed up to 180 euros a night.",
    equipment: "Every new starter receives a laptop and a headset on their first day.",
    leave: "Staff get 25 days of paid leave each year, plus public holidays.",
    security: "Badges must be worn visibly at all times inside the office.",
    ...overrides,
  };
  return `# Handbook\n\n${Object.entries(sections)
    .map(([name, text]) => `## ${name}\n\n${text}`)
    .join("\n\n")}\n`;
}

async function submit(harness: Harness, text: string, externalId = "handbook") {
  return submitDocument(harness.deps, {
    tenantId: harness.tenantId,
    title: "Handbook",
    body: encoder.encode(text),
    contentType: "text/markdown",
    externalId,
    collection: "default",
    source: "batch",
  });
}

async function search(harness: Harness, query: string) {
  const results = await retrieveChunks(
    {
      chunkSearch: createChunkSearch(harness.deps.db),
      vectorIndex: harness.deps.vectorIndex,
      embedding: harness.embedder,
    },
    { tenantId: harness.tenantId, query, topK: 20, unreadableCollections: [] },
  );
  return results.map((result) => result.text).join("\n");
}

/** Everything a `console.error` spy was called with, errors with their causes, as one text. */
function loggedText(spy: { mock: { calls: unknown[][] } }): string {
  const describe = (value: unknown): string =>
    value instanceof Error
      ? `${value.message} ${describe(value.cause)}`
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  return spy.mock.calls.flat().map(describe).join("\n");
}

async function lastJob(harness: Harness, documentId: string) {
  const jobs = await harness.deps.db
    .select()
    .from(ingestJobs)
    .where(eq(ingestJobs.documentId, documentId))
    .orderBy(sql`${ingestJobs.version} DESC`);
  return jobs[0];
}

/** D1 chunk rows = FTS rows = vectors for the document, with no duplicates and nothing of other versions. */
async function expectConsistent(harness: Harness, documentId: string): Promise<void> {
  const db = createDb(env.DB);
  const document = await findDocument(db, harness.tenantId, documentId);
  expect(document?.status).toBe("ready");
  const active = await db
    .select({ seq: chunks.seq, vectorId: chunks.vectorId })
    .from(chunks)
    .where(and(eq(chunks.documentId, documentId), eq(chunks.version, document?.activeVersion ?? -1)));
  expect(active.length).toBeGreaterThan(0);
  expect(new Set(active.map((row) => row.vectorId)).size).toBe(active.length);
  const others = await db
    .select({ seq: chunks.seq })
    .from(chunks)
    .where(and(eq(chunks.documentId, documentId), ne(chunks.version, document?.activeVersion ?? -1)));
  expect(others).toEqual([]);

  const [fts] = await db.all<{ count: number }>(
    sql`SELECT count(*) AS count FROM chunks_fts_docsize WHERE id IN (SELECT seq FROM chunks WHERE document_id = ${documentId})`,
  );
  expect(fts?.count).toBe(active.length);

  const index = env.LOCAL_VECTOR_INDEX.getByName(harness.tenantId);
  expect((await index.describe()).vectorCount).toBe(active.length);
  expect(await index.getByIds(active.map((row) => row.vectorId))).toHaveLength(active.length);
}

describe("incremental re-ingest", () => {
  it("re-ingesting unchanged content makes no embedding calls", async () => {
    const harness = await createHarness();
    const { document } = await submit(harness, handbook());
    await drainQueue(harness);
    const firstEmbedded = harness.embedder.embedded;
    expect(firstEmbedded).toBeGreaterThanOrEqual(4);

    await reingestDocument(harness.deps, document);
    await drainQueue(harness);
    expect(harness.embedder.embedded).toBe(firstEmbedded);
    expect(await lastJob(harness, document.id)).toMatchObject({
      version: 2,
      status: "ready",
      embedded: 0,
      reused: firstEmbedded,
      deleted: 0,
    });
    await expectConsistent(harness, document.id);
  });

  it("a one-paragraph edit re-embeds only the chunk it touches", async () => {
    const harness = await createHarness();
    const { document } = await submit(harness, handbook());
    await drainQueue(harness);
    const before = harness.embedder.embedded;

    await submit(harness, handbook({ leave: "Staff get 30 days of paid leave each year, plus public holidays." }));
    await drainQueue(harness);
    expect(harness.embedder.embedded - before).toBe(1);
    expect(await lastJob(harness, document.id)).toMatchObject({ embedded: 1, reused: before - 1, deleted: 1 });
    expect(await search(harness, "paid leave days")).toContain("30 days");
    expect(await search(harness, "paid leave days")).not.toContain("25 days");
    await expectConsistent(harness, document.id);
  });

  it("rewriting one paragraph of a 40-paragraph document re-embeds at most 2 chunks", async () => {
    // 40 paragraphs of 1 to 4 sentences (about 15 chunks); the middle one is replaced by a new paragraph of another
    // length. Over seeds 1 to 40 this re-embeds at most 2 chunks 37 times and 3 chunks 3 times; packing greedily up
    // to the target (the chunker before content-defined boundaries) re-embedded up to 8 of 14, 7 for this seed.
    const { paragraphs, random } = policyParagraphs(2, 40, 4);
    const replacement = randomParagraph(random, 4);
    const harness = await createHarness();
    const { document } = await submit(harness, paragraphs.join("\n\n"), "policy");
    await drainQueue(harness);
    const chunksBefore = harness.embedder.embedded;
    expect(chunksBefore).toBeGreaterThanOrEqual(13);

    const edited = paragraphs.map((paragraph, index) => (index === 20 ? replacement : paragraph));
    await submit(harness, edited.join("\n\n"), "policy");
    await drainQueue(harness);
    const job = await lastJob(harness, document.id);
    expect(job).toMatchObject({ version: 2, status: "ready" });
    expect(job?.embedded).toBeGreaterThanOrEqual(1);
    expect(job?.embedded).toBeLessThanOrEqual(2);
    expect(harness.embedder.embedded - chunksBefore).toBe(job?.embedded);
    await expectConsistent(harness, document.id);
  });

  it("serves the previous version until the new one is complete, never a mix", async () => {
    const harness = await createHarness({ sliceSize: 2 });
    const { document } = await submit(harness, handbook());
    await drainQueue(harness);

    const edited = handbook({
      travel: "Travel is booked by each team directly; hotels are reimbursed up to 200 euros a night.",
      leave: "Staff get 30 days of paid leave each year, plus public holidays.",
      security: "Visitors are escorted at all times inside the office.",
    });
    await submit(harness, edited);
    await drainQueue(harness, { limit: 1 });
    expect(harness.pending.map((message) => message.body.type)).toEqual(["embed-slice", "embed-slice"]);

    for (let remaining = 2; remaining > 0; remaining -= 1) {
      const seen = await search(harness, "hotels reimbursed paid leave visitors badges");
      expect(seen).toContain("180 euros");
      expect(seen).toContain("25 days");
      expect(seen).not.toContain("200 euros");
      expect(seen).not.toContain("30 days");
      await drainQueue(harness, { limit: 1 });
    }
    const after = await search(harness, "hotels reimbursed paid leave visitors badges");
    expect(after).toContain("200 euros");
    expect(after).toContain("30 days");
    expect(after).not.toContain("180 euros");
    expect(after).not.toContain("Badges must be worn");
    expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toMatchObject({
      status: "ready",
      activeVersion: 2,
      chunksDone: 4,
      chunksTotal: 4,
    });
    expect(await lastJob(harness, document.id)).toMatchObject({
      slicesTotal: 2,
      slicesDone: 2,
      embedded: 3,
      reused: 1,
    });
    await expectConsistent(harness, document.id);
  });
});

describe("fault injection: every step recovers or fails with its reason, and the old version keeps serving", () => {
  const steps: Array<{
    step: string;
    /** What the stand-in for the failing service says: for the logs only. */
    reason: string;
    /** What the document says instead. */
    readable: string;
    setup: (fault: Fault) => Promise<Harness>;
    failEmbedding?: boolean;
  }> = [
    {
      step: "R2 read",
      reason: "R2 is unavailable",
      readable: "Ingestion failed on our side (file storage error)",
      setup: (fault) => createHarness({ bucket: faultyBucket(env.DOCUMENTS, fault) }),
    },
    {
      step: "embedding",
      reason: "embedding service returned 503",
      readable: "Ingestion failed on our side (embedding service error)",
      setup: () => createHarness(),
      failEmbedding: true,
    },
    {
      step: "vector upsert",
      reason: "vector index write failed",
      readable: "Ingestion failed on our side (vector index error)",
      setup: async (fault) => {
        const harness = await createHarness();
        harness.deps.vectorIndex = faultyVectorIndex(harness.deps.vectorIndex, fault);
        return harness;
      },
    },
    {
      step: "D1 write of the chunks",
      reason: "D1 is overloaded",
      readable: "Ingestion failed on our side (the database was busy)",
      setup: (fault) => createHarness({ db: createDb(faultyDatabase(env.DB, /insert into "chunks"/i, fault)) }),
    },
    {
      step: "D1 switch to the new version",
      reason: "D1 went away",
      readable: "Ingestion failed on our side (database error)",
      setup: (fault) =>
        createHarness({ db: createDb(faultyDatabase(env.DB, /update "documents" set "active_version"/i, fault)) }),
    },
  ];

  for (const { step, reason, readable, setup, failEmbedding } of steps) {
    it(`${step}: a passing failure is retried to a consistent ready document`, async () => {
      const fault: Fault = { message: null };
      const harness = await setup(fault);
      const { document } = await submit(harness, handbook());
      const setFault = (message: string | null) => {
        if (failEmbedding) harness.embedder.failing = message;
        else fault.message = message;
      };
      setFault(reason);
      const logged = vi.spyOn(console, "error");
      await drainQueue(harness, { limit: 1 });
      expect((await findDocument(harness.deps.db, harness.tenantId, document.id))?.error).toBe(
        `Attempt 1 failed: ${readable}; it will be retried`,
      );
      // The service's own words reach the logs, not the document.
      expect(loggedText(logged)).toContain(reason);
      logged.mockRestore();
      setFault(null);
      await drainQueue(harness);
      await expectConsistent(harness, document.id);
      expect(await lastJob(harness, document.id)).toMatchObject({ status: "ready", attempts: 2 });
    });

    it(`${step}: a lasting failure marks the new version failed with the reason, the old one still serving`, async () => {
      const fault: Fault = { message: null };
      const harness = await setup(fault);
      const { document } = await submit(harness, handbook());
      await drainQueue(harness);

      await submit(harness, handbook({ leave: "Staff get 30 days of paid leave each year, plus public holidays." }));
      if (failEmbedding) harness.embedder.failing = reason;
      else fault.message = reason;
      await drainQueue(harness);
      fault.message = null;
      harness.embedder.failing = null;

      expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toMatchObject({
        status: "failed",
        error: readable,
        version: 2,
        activeVersion: 1,
      });
      expect(await lastJob(harness, document.id)).toMatchObject({ version: 2, status: "failed", error: readable });
      expect(await search(harness, "paid leave days")).toContain("25 days");
    });
  }
});

describe("delete and the reconciler", () => {
  it("delete leaves nothing behind in R2, D1, the full-text index or the vector index", async () => {
    const harness = await createHarness();
    const security = "Quokkaverse badges must be worn visibly at all times.";
    const { document } = await submit(harness, handbook({ security }));
    await drainQueue(harness);
    await submit(harness, handbook({ security, leave: "Staff get 30 days of paid leave each year." }));
    await drainQueue(harness);
    const indexed = sql`SELECT count(*) AS count FROM chunks_fts WHERE chunks_fts MATCH 'quokkaverse'`;
    expect((await createDb(env.DB).all<{ count: number }>(indexed))[0]?.count).toBe(1);

    await harness.deps.queue.send({ type: "delete", tenantId: harness.tenantId, documentId: document.id });
    await drainQueue(harness);

    const db = createDb(env.DB);
    expect(await findDocument(db, harness.tenantId, document.id)).toBeUndefined();
    expect(await db.select().from(chunks).where(eq(chunks.documentId, document.id))).toEqual([]);
    expect(await db.select().from(ingestJobs).where(eq(ingestJobs.documentId, document.id))).toEqual([]);
    expect((await db.all<{ count: number }>(indexed))[0]?.count).toBe(0);
    expect((await env.DOCUMENTS.list({ prefix: documentPrefix(harness.tenantId, document.id) })).objects).toEqual([]);
    expect((await env.LOCAL_VECTOR_INDEX.getByName(harness.tenantId).describe()).vectorCount).toBe(0);
  });

  it("re-enqueues ingestion that has been quiet for too long", async () => {
    const harness = await createHarness();
    const { document } = await submit(harness, handbook());
    harness.queue.take();
    const later = new Date(Date.now() + 60 * 60 * 1000);
    expect(await reconcilePendingWork(harness.deps, { cutoff: later, now: later })).toBeGreaterThanOrEqual(1);
    // Other tests' documents may be in flight too; only this tenant's are this test's business.
    const ours = harness.queue.messages.filter((message) => message.tenantId === harness.tenantId);
    expect(ours).toEqual([{ type: "ingest", tenantId: harness.tenantId, documentId: document.id, version: 1 }]);
    harness.queue.messages.splice(0, harness.queue.messages.length, ...ours);
    await drainQueue(harness);
    await expectConsistent(harness, document.id);
    await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() + 1), now: later });
    expect(harness.queue.messages.filter((message) => message.tenantId === harness.tenantId)).toEqual([]);
  });
});
