import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { AuditAction } from "../contract";
import { appendAudit } from "../db/audit-log";

/** What an action acted on: a kind of thing, and how to find its id in the request or the response. */
export interface AuditTarget {
  type: string;
  id: (c: Context<AppEnv>) => string | null | Promise<string | null>;
}

/** The `:id` path parameter. */
export const idFromParam = (c: Context<AppEnv>): string | null => c.req.param("id") ?? null;

/** A string at `path` in the JSON response (e.g. `["key", "id"]` for the key a create returned). */
export const idFromResponse =
  (...path: string[]) =>
  async (c: Context<AppEnv>): Promise<string | null> => {
    let value: unknown = await c.res
      .clone()
      .json()
      .catch(() => null);
    for (const key of path) {
      value = typeof value === "object" && value !== null && key in value ? Reflect.get(value, key) : null;
    }
    return typeof value === "string" ? value : null;
  };

/**
 * Records the route's action in the audit log once it has answered, with its outcome: who (the authenticated
 * principal), what, on which target, the request id and the status. Put it after the route's `requireRole`.
 */
export const audited = (action: AuditAction, target?: AuditTarget) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const principal = c.get("principal");
    const targetId = target ? await Promise.resolve(target.id(c)).catch(() => null) : null;
    recordAudit(c, principal, { action, targetType: target?.type ?? null, targetId });
  });

/** Writes one entry in the background (an audit write never fails or slows the action itself). */
export function recordAudit(
  c: Context<AppEnv>,
  principal: AppEnv["Variables"]["principal"],
  entry: { action: AuditAction; targetType: string | null; targetId: string | null; status?: number },
): void {
  const status = entry.status ?? c.res.status;
  const write = appendAudit(c.var.services.db, {
    tenantId: principal.tenantId,
    actor: principal.subject,
    actorRole: principal.role,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    requestId: c.var.requestId,
    outcome: status < 400 ? "success" : "failure",
    status,
  }).catch((error: unknown) => console.error("Could not write the audit log", entry.action, error));
  c.executionCtx.waitUntil(write);
}
