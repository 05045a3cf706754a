import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../worker/db/client";
import { findDocument, updateDocument } from "../../worker/db/documents";
import { documents } from "../../worker/db/schema";
import worker from "../../worker/index";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { reconcileOnSchedule, reconcilePendingWork } from "../../worker/ingest/reconcile-pending-work";
import { requestDeletion } from "../../worker/ingest/request-deletion";
import { submitDocument, submitDocuments } from "../../worker/ingest/submit-document";
import { createHarness, drainQueue, expectSettled, type Harness, messageDocumentId } from "../support/ingest-harness";

const encoder = new TextEncoder();
const minute = 60_000;

function note(harness: Harness, name: string, text = `# ${name}\n\nThe ${name} note says hello.`) {
  return {
    tenantId: harness.tenantId,
    title: name,
    body: encoder.encode(text),
    contentType: "text/markdown",
    externalId: name,
    collection: "default",
    source: "batch" as const,
  };
}

/** This tenant's messages: a reconciler run sends every tenant's quiet work, and other tests leave some behind. */
function ours(harness: Harness): IngestMessage[] {
  const mine = harness.queue.messages.filter((message) => message.tenantId === harness.tenantId);
  harness.queue.messages.splice(0, harness.queue.messages.length, ...mine);
  return mine;
}

describe("the outbox: D1 remembers work whose message was lost", () => {
  it("a queue send that fails after the D1 write strands nothing: the request succeeds and the reconciler sends it", async () => {
    const harness = await createHarness();
    harness.queue.failing = "the queue is unavailable";
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const results = await submitDocuments(harness.deps, [note(harness, "alpha"), note(harness, "bravo")]);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/reconciler will send it/), expect.any(Error));
    logged.mockRestore();
    expect(results.map(({ document, changed }) => ({ status: document.status, changed }))).toEqual([
      { status: "queued", changed: true },
      { status: "queued", changed: true },
    ]);
    harness.queue.failing = null;
    expect(harness.queue.messages).toEqual([]);

    // Within the threshold the work may still have a live message, so it is left alone.
    await reconcilePendingWork(harness.deps, { cutoff: new Date(Date.now() - minute) });
    expect(ours(harness)).toEqual([]);

    const later = new Date(Date.now() + 2 * minute);
    await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - minute), now: later });
    expect(ours(harness).map((message) => message.type)).toEqual(["ingest", "ingest"]);
    await drainQueue(harness);
    const state = await expectSettled(harness.tenantId);
    expect(state.documents.map((document) => document.status)).toEqual(["ready", "ready"]);
  });

  it("a deletion whose queue send fails is accepted, and the reconciler sends it", async () => {
    const harness = await createHarness();
    const { document } = await submitDocument(harness.deps, note(harness, "lima"));
    await drainQueue(harness);
    const ready = await findDocument(harness.deps.db, harness.tenantId, document.id);
    if (!ready) throw new Error("the document was not found");
    harness.queue.failing = "the queue is unavailable";
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await requestDeletion(harness.deps, ready)).toMatchObject({ status: "deleting" });
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/reconciler will send it/), expect.any(Error));
    logged.mockRestore();
    harness.queue.failing = null;

    const later = new Date(Date.now() + 2 * minute);
    await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - minute), now: later });
    expect(ours(harness).map((message) => message.type)).toEqual(["delete"]);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toBeUndefined();
  });

  it("re-submitting unchanged content for a document that is not ready sends its work again", async () => {
    const harness = await createHarness();
    const first = await submitDocument(harness.deps, note(harness, "charlie"));
    harness.queue.take(); // lost

    const again = await submitDocument(harness.deps, note(harness, "charlie"));
    expect(again).toMatchObject({ changed: false, document: { id: first.document.id, version: 1 } });
    expect(harness.queue.messages).toEqual([
      { type: "ingest", tenantId: harness.tenantId, documentId: first.document.id, version: 1 },
    ]);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, first.document.id)).toMatchObject({
      status: "ready",
      version: 1,
    });

    // Once ready, the same content is still a no-op.
    await submitDocument(harness.deps, note(harness, "charlie"));
    expect(harness.queue.messages).toEqual([]);
    await expectSettled(harness.tenantId);
  });

  it("a delete whose message was lost is sent again", async () => {
    const harness = await createHarness();
    const { document } = await submitDocument(harness.deps, note(harness, "delta"));
    await drainQueue(harness);
    await updateDocument(harness.deps.db, document.id, { status: "deleting" }); // and the message is lost

    const later = new Date(Date.now() + 2 * minute);
    await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - minute), now: later });
    expect(ours(harness)).toEqual([{ type: "delete", tenantId: harness.tenantId, documentId: document.id }]);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toBeUndefined();
    expect((await env.LOCAL_VECTOR_INDEX.getByName(harness.tenantId).describe()).vectorCount).toBe(0);
  });

  it("a document whose version serves but whose status still says processing is settled, not re-sent forever", async () => {
    const harness = await createHarness();
    const { document } = await submitDocument(harness.deps, note(harness, "kilo"));
    await drainQueue(harness);
    // As an interrupted run of an older release could leave it.
    await harness.deps.db
      .update(documents)
      .set({ status: "processing", pendingAt: new Date(0) })
      .where(eq(documents.id, document.id));

    const later = new Date(Date.now() + 2 * minute);
    await reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - minute), now: later });
    expect(ours(harness)).toHaveLength(1);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, document.id)).toMatchObject({
      status: "ready",
      version: 1,
      activeVersion: 1,
    });
    const muchLater = new Date(later.getTime() + 10 * minute);
    await reconcilePendingWork(harness.deps, { cutoff: muchLater, now: muchLater });
    expect(ours(harness)).toEqual([]);
  });

  it("leaves alone work whose message may still wait in the queue's backlog", async () => {
    const harness = await createHarness();
    const before = await submitDocument(harness.deps, note(harness, "echo"));
    const after = await submitDocument(harness.deps, note(harness, "foxtrot"));
    harness.queue.messages.splice(0);
    const oldestWaiting = new Date(Date.now() - 5 * minute);
    const sentAt = async (id: string, at: number) =>
      harness.deps.db
        .update(documents)
        .set({ pendingAt: new Date(at) })
        .where(eq(documents.id, id));
    await sentAt(before.document.id, oldestWaiting.getTime() - 1000);
    await sentAt(after.document.id, oldestWaiting.getTime() + 1000);

    // Both are quiet past the threshold, but only `echo` was sent before the oldest message still waiting.
    const backlogged = Object.assign(harness.queue, {
      metrics: async () => ({ backlogCount: 7, backlogBytes: 700, oldestMessageTimestamp: oldestWaiting }),
    });
    const later = new Date();
    await reconcileOnSchedule(
      { db: harness.deps.db, queue: backlogged },
      { cron: "* * * * *", now: later, reconcileAfterSeconds: 60 },
    );
    expect(ours(harness).map(messageDocumentId)).toEqual([before.document.id]);

    // With the backlog drained, `foxtrot` is sent too.
    const drained = Object.assign(harness.queue, { metrics: async () => ({ backlogCount: 0, backlogBytes: 0 }) });
    harness.queue.messages.splice(0);
    await reconcileOnSchedule(
      { db: harness.deps.db, queue: drained },
      { cron: "* * * * *", now: later, reconcileAfterSeconds: 60 },
    );
    expect(ours(harness).map(messageDocumentId)).toEqual([after.document.id]);
  });

  it("two reconcilers at once never send the same work twice", async () => {
    const harness = await createHarness();
    await submitDocuments(
      harness.deps,
      Array.from({ length: 30 }, (_, index) => note(harness, `note-${index}`)),
    );
    harness.queue.messages.splice(0);
    const later = new Date(Date.now() + 2 * minute);
    const run = () => reconcilePendingWork(harness.deps, { cutoff: new Date(later.getTime() - minute), now: later });
    await Promise.all([run(), run(), run()]);
    const sent = ours(harness).map(messageDocumentId);
    expect(sent).toHaveLength(30);
    expect(new Set(sent).size).toBe(30);
  });
});

describe("the scheduled handler", () => {
  it("at start-up (@reboot) sends all pending work at once, which the real queue then ingests", async () => {
    const harness = await createHarness();
    const submitted = await submitDocuments(harness.deps, [note(harness, "golf"), note(harness, "hotel")]);
    harness.queue.messages.splice(0); // the process died with them in its in-memory queue

    await worker.scheduled(createScheduledController({ cron: "@reboot" }), env);
    const db = createDb(env.DB);
    await vi.waitUntil(
      async () => {
        const rows = await db
          .select({ status: documents.status })
          .from(documents)
          .where(eq(documents.tenantId, harness.tenantId));
        return rows.every((row) => row.status === "ready");
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(submitted).toHaveLength(2);
    await expectSettled(harness.tenantId);
  });

  it("on the minute re-sends only work quiet for longer than RECONCILE_AFTER_SECONDS", async () => {
    const harness = await createHarness();
    const [quiet, fresh] = await submitDocuments(harness.deps, [note(harness, "india"), note(harness, "juliet")]);
    if (!quiet || !fresh) throw new Error("two documents were submitted");
    harness.queue.messages.splice(0);
    const db = createDb(env.DB);
    await db
      .update(documents)
      .set({ pendingAt: new Date(Date.now() - 2 * minute) })
      .where(eq(documents.id, quiet.document.id));

    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env);
    await vi.waitUntil(async () => (await findDocument(db, harness.tenantId, quiet.document.id))?.status === "ready", {
      timeout: 20_000,
      interval: 50,
    });
    // The fresh one was not re-sent: its outbox clock is where the submission set it.
    const [row] = await db.all<{ status: string; pendingAt: number }>(
      sql`SELECT status, pending_at AS pendingAt FROM documents WHERE id = ${fresh.document.id}`,
    );
    expect(row).toEqual({ status: "queued", pendingAt: fresh.document.pendingAt.getTime() });
  });
});
