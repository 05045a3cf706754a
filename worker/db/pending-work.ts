import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { pendingStatuses } from "./documents";
import { documents } from "./schema";

/** Work D1 says is pending for a document: fetch its URL, ingest its latest version, or delete it. */
export type PendingWork =
  | { type: "ingest"; tenantId: string; documentId: string; version: number }
  | { type: "fetch"; tenantId: string; documentId: string }
  | { type: "delete"; tenantId: string; documentId: string };

const statusList = sql.raw(pendingStatuses.map((status) => `'${status}'`).join(", "));

/**
 * Claims up to `limit` documents whose pending work has been quiet since before `cutoff`, restarting their outbox
 * clock at `now`, and returns their work to send. One statement, so two reconcilers running at once never claim the
 * same document; the `(status, pending_at)` index keeps it to about `limit` rows read however large the backlog.
 */
export async function claimPendingWork(
  db: Db,
  { cutoff, now, limit }: { cutoff: Date; now: Date; limit: number },
): Promise<PendingWork[]> {
  const rows = await db.all<{
    id: string;
    tenantId: string;
    version: number;
    status: string;
    fetchPending: number;
  }>(sql`
    UPDATE ${documents} SET pending_at = ${now.getTime()}
    WHERE id IN (
      SELECT id FROM ${documents}
      WHERE status IN (${statusList}) AND pending_at < ${cutoff.getTime()}
      LIMIT ${limit})
    RETURNING id, tenant_id AS tenantId, version, status, fetch_pending AS fetchPending`);
  return rows.map((row): PendingWork => {
    if (row.status === "deleting") return { type: "delete", tenantId: row.tenantId, documentId: row.id };
    if (Number(row.fetchPending) === 1) return { type: "fetch", tenantId: row.tenantId, documentId: row.id };
    return { type: "ingest", tenantId: row.tenantId, documentId: row.id, version: Number(row.version) };
  });
}
