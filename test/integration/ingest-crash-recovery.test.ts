import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createChunkSearch } from "../../worker/db/chunks";
import { createDb } from "../../worker/db/client";
import { reconcilePendingWork } from "../../worker/ingest/reconcile-pending-work";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { HashingEmbedder } from "../../worker/models/hashing-embedder";
import { retrieveChunks } from "../../worker/rag/hybrid-retrieve";
import {
  createHarness,
  deliverBatch,
  drainQueue,
  expectSettled,
  type Fault,
  faultyBucket,
  faultyDatabase,
  faultyVectorIndex,
  type Harness,
} from "../support/ingest-harness";

const encoder = new TextEncoder();

/** A handbook of four sections, one chunk each: with a slice size of 2 it fans out into two slices. */
function handbook(leave: string): string {
  return [
    "# Handbook",
    "## Travel\n\nTrains are booked through the travel desk; hotels are reimbursed up to 180 euros a night.",
    "## Equipment\n\nEvery new starter receives a laptop and a headset on their first day.",
    `## Leave\n\n${leave}`,
    "## Security\n\nBadges must be worn visibly at all times inside the office.",
  ].join("\n\n");
}

function submissions(harness: Harness, leave: string) {
  const submission = (externalId: string, text: string) => ({
    tenantId: harness.tenantId,
    title: externalId,
    body: encoder.encode(text),
    contentType: "text/markdown",
    externalId,
    collection: "default",
    source: "batch" as const,
  });
  return [
    submission("handbook", handbook(leave)),
    submission("memo", `# Memo\n\nThe canteen opens at eight. ${leave}`),
    submission("notice", `# Notice\n\n${leave}`),
  ];
}

interface Step {
  step: string;
  /** Wires the fault into the harness; `fault.message` set means the step throws. */
  setup: (fault: Fault) => Promise<Harness>;
  /** The fault strikes while the documents are submitted (the queue send after the D1 write). */
  duringSubmit?: boolean;
}

const steps: Step[] = [
  { step: "R2 read", setup: (fault) => createHarness({ bucket: faultyBucket(env.DOCUMENTS, fault), sliceSize: 2 }) },
  {
    step: "parse and chunk",
    setup: async (fault) => {
      const harness = await createHarness({ sliceSize: 2 });
      harness.deps.chunking = {
        overlapChars: 150,
        get targetChars() {
          if (fault.message) throw new Error(fault.message);
          return 1000;
        },
      };
      return harness;
    },
  },
  {
    step: "embedding",
    setup: async (fault) => {
      const harness = await createHarness({ sliceSize: 2 });
      const { embedder } = harness;
      const inner = embedder.doEmbed.bind(embedder);
      embedder.doEmbed = (options) => (fault.message ? Promise.reject(new Error(fault.message)) : inner(options));
      return harness;
    },
  },
  {
    step: "vector upsert",
    setup: async (fault) => {
      const harness = await createHarness({ sliceSize: 2 });
      harness.deps.vectorIndex = faultyVectorIndex(harness.deps.vectorIndex, fault);
      return harness;
    },
  },
  {
    step: "D1 staging of the chunks",
    setup: (fault) =>
      createHarness({ db: createDb(faultyDatabase(env.DB, /insert into "chunks"/i, fault)), sliceSize: 2 }),
  },
  {
    step: "D1 marking vectors ready",
    setup: (fault) =>
      createHarness({
        db: createDb(faultyDatabase(env.DB, /update "chunks" set "vector_ready"/i, fault)),
        sliceSize: 2,
      }),
  },
  {
    step: "D1 switch to the new version",
    setup: (fault) =>
      createHarness({
        db: createDb(faultyDatabase(env.DB, /update "documents" set "active_version"/i, fault)),
        sliceSize: 2,
      }),
  },
  {
    step: "queue send of the slices",
    setup: async (fault) => {
      const harness = await createHarness({ sliceSize: 2 });
      const { queue } = harness;
      const inner = queue.sendBatch.bind(queue);
      queue.sendBatch = (messages) => (fault.message ? Promise.reject(new Error(fault.message)) : inner(messages));
      return harness;
    },
  },
  {
    step: "queue send after the D1 write",
    setup: async (fault) => {
      const harness = await createHarness({ sliceSize: 2 });
      const { queue } = harness;
      const inner = queue.sendBatch.bind(queue);
      queue.sendBatch = (messages) => (fault.message ? Promise.reject(new Error(fault.message)) : inner(messages));
      return harness;
    },
    duringSubmit: true,
  },
];

async function search(harness: Harness, query: string): Promise<string> {
  const results = await retrieveChunks(
    {
      chunkSearch: createChunkSearch(harness.deps.db),
      vectorIndex: harness.deps.vectorIndex,
      embedding: new HashingEmbedder(),
    },
    { tenantId: harness.tenantId, query, topK: 20, unreadableCollections: [] },
  );
  return results.map((result) => result.text).join("\n");
}

describe("a process killed at any step of ingestion loses its queue, and the reconciler alone recovers", () => {
  for (const { step, setup, duringSubmit } of steps) {
    it(`killed at the ${step}: every document ends ready, nothing duplicated or left behind`, async () => {
      const fault: Fault = { message: null };
      const harness = await setup(fault);
      // Version 1 of two documents is indexed before the crash.
      await submitDocuments(
        harness.deps,
        submissions(harness, "Staff get 25 days of paid leave each year.").slice(0, 2),
      );
      await drainQueue(harness);

      // Then an update of both and a new document are submitted, and the process dies at `step`.
      if (duringSubmit) fault.message = `killed at the ${step}`;
      await submitDocuments(harness.deps, submissions(harness, "Staff get 30 days of paid leave each year."));
      fault.message = `killed at the ${step}`;
      let killed = duringSubmit === true;
      for (let round = 0; !killed && round < 5; round += 1) {
        const messages = harness.queue.messages.splice(0);
        if (messages.length === 0) break;
        killed = (await deliverBatch(harness, messages)).retryMessages.length > 0;
      }
      expect(killed, `the fault at the ${step} struck`).toBe(true);
      // The in-memory queue dies with the process: no retry, no message left.
      harness.queue.messages.splice(0);
      fault.message = null;

      const later = new Date(Date.now() + 2 * 60_000);
      await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - 60_000), now: later });
      harness.queue.messages.splice(
        0,
        harness.queue.messages.length,
        ...harness.queue.messages.filter((message) => message.tenantId === harness.tenantId),
      );
      expect(harness.queue.messages.length).toBeGreaterThan(0);
      await drainQueue(harness);

      const state = await expectSettled(harness.tenantId);
      expect(state.documents.map((document) => document.status)).toEqual(["ready", "ready", "ready"]);
      expect(state.documents.map((document) => document.activeVersion).sort()).toEqual([1, 2, 2]);
      const found = await search(harness, "paid leave days each year");
      expect(found).toContain("30 days");
      expect(found).not.toContain("25 days");
    });
  }

  it("killed after the D1 write, with the file gone since: the document fails with a reason a person can act on", async () => {
    const harness = await createHarness();
    const [memo] = await submitDocuments(harness.deps, submissions(harness, "unused").slice(1, 2));
    harness.queue.messages.splice(0);
    if (!memo) throw new Error("the memo was submitted");
    await env.DOCUMENTS.delete(memo.document.r2Key);

    const later = new Date(Date.now() + 2 * 60_000);
    await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - 60_000), now: later });
    harness.queue.messages.splice(
      0,
      harness.queue.messages.length,
      ...harness.queue.messages.filter((message) => message.tenantId === harness.tenantId),
    );
    await drainQueue(harness);
    const state = await expectSettled(harness.tenantId);
    expect(state.documents).toEqual([
      expect.objectContaining({
        status: "failed",
        error: "The uploaded file is missing from storage; upload it again",
      }),
    ]);
  });
});
