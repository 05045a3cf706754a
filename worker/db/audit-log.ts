import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { AuditAction } from "../contract";
import type { Db } from "./client";
import { auditLog } from "./schema";

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditRecord {
  tenantId: string;
  actor: string;
  actorRole: string;
  action: AuditAction;
  targetType: string | null;
  targetId: string | null;
  requestId: string;
  outcome: "success" | "failure";
  status: number;
}

export interface AuditFilter {
  action?: AuditAction;
  actor?: string;
  outcome?: "success" | "failure";
  since?: Date;
  until?: Date;
  /** Entries older than this one (the cursor of the previous page). */
  before?: number;
  limit: number;
}

export async function appendAudit(db: Db, record: AuditRecord): Promise<void> {
  await db.insert(auditLog).values(record);
}

/** A tenant's entries, newest first. */
export function listAudit(db: Db, tenantId: string, filter: AuditFilter): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, tenantId),
        filter.action ? eq(auditLog.action, filter.action) : undefined,
        filter.actor ? eq(auditLog.actor, filter.actor) : undefined,
        filter.outcome ? eq(auditLog.outcome, filter.outcome) : undefined,
        filter.since ? gte(auditLog.at, filter.since) : undefined,
        filter.until ? lte(auditLog.at, filter.until) : undefined,
        filter.before ? lt(auditLog.seq, filter.before) : undefined,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(filter.limit);
}
