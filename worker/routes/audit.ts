import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { type AuditEntryView, auditQuerySchema } from "../contract";
import { type AuditRow, listAudit } from "../db/audit-log";
import { validate } from "../lib/validate";

function toAuditEntryView(row: AuditRow): AuditEntryView {
  return {
    id: row.seq,
    at: row.at.toISOString(),
    actor: row.actor,
    actorRole: row.actorRole,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    requestId: row.requestId,
    outcome: row.outcome,
    status: row.status,
  };
}

/** The tenant's audit log, read-only: no route changes or deletes an entry. */
export const auditRoutes = new Hono<AppEnv>().get(
  "/",
  requireRole("admin"),
  validate("query", auditQuerySchema),
  async (c) => {
    const query = c.req.valid("query");
    const rows = await listAudit(c.var.services.db, c.var.principal.tenantId, {
      ...query,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
    });
    const last = rows.at(-1);
    return c.json({
      entries: rows.map(toAuditEntryView),
      nextCursor: rows.length === query.limit && last ? last.seq : null,
    });
  },
);
