import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { maxDocumentsPerRun, reconcilePendingWork } from "../../worker/ingest/reconcile-pending-work";
import { createHarness, messageDocumentId } from "../support/ingest-harness";

// Alone in its file (each file has its own storage), so every pending document in D1 is this test's.
describe("a reconciler run is bounded", () => {
  it("works a backlog of 100,000 stranded documents off over several runs, each sent once", async () => {
    const harness = await createHarness();
    const backlog = 100_000;
    const db = createDb(env.DB);
    // Stranded as a crash leaves them: queued or processing, their messages gone with the in-memory queue.
    await db.run(sql`
      INSERT INTO documents (id, tenant_id, title, source, r2_key, content_type, size, sha256, status, pending_at)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${backlog})
      SELECT 'doc-' || i, ${harness.tenantId}, 'Document ' || i, 'batch', 'key-' || i, 'text/plain', 1, '',
        CASE WHEN i % 3 = 0 THEN 'processing' ELSE 'queued' END, 0
      FROM n`);

    // The claim reads through the (status, pending_at) index, not the whole table.
    const plan = await db.all<{ detail: string }>(sql`
      EXPLAIN QUERY PLAN SELECT id FROM documents
      WHERE status IN ('queued', 'processing', 'deleting') AND pending_at < ${Date.now()} LIMIT 100`);
    expect(plan.map((step) => step.detail).join("\n")).toMatch(/USING (COVERING )?INDEX documents_pending/);

    const now = new Date();
    const runs: number[] = [];
    for (let sent = -1; sent !== 0; ) {
      sent = await reconcilePendingWork(harness.deps, { cutoff: now, now });
      runs.push(sent);
    }
    expect(runs).toEqual([...Array.from({ length: backlog / maxDocumentsPerRun }, () => maxDocumentsPerRun), 0]);
    const sent = harness.queue.messages.map(messageDocumentId);
    expect(sent).toHaveLength(backlog);
    expect(new Set(sent).size).toBe(backlog);
  }, 600_000);
});
