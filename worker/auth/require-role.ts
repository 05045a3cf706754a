import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { recordAudit } from "../audit/audited";
import type { Role } from "../contract";
import { AppError } from "../lib/app-error";
import { authenticate } from "./authenticate";
import { accessAssertionHeader } from "./cloudflare-access";
import { requireTenant } from "./tenant-provisioning";

/** Options of `requireRole`. */
export interface RequireRoleOptions {
  /** The route creates the caller's tenant itself (`PUT /api/tenant`), so it may not exist yet. */
  tenantMayBeNew?: boolean;
}

/** Admins may do everything; members and ingest keys only what needs their own role. */
export function roleAllows(actual: Role, required: Role): boolean {
  return actual === "admin" || actual === required;
}

/**
 * Authenticates the bearer token or API key and requires `role` (admin satisfies member); the token's tenant must exist, or is
 * created on first use when the deployment provisions tenants that way.
 */
export const requireRole = (role: Role, options: RequireRoleOptions = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const bearer = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
    const accessAssertion = c.req.header(accessAssertionHeader) ?? null;
    const { db, config } = c.var.services;
    if (bearer === null && (accessAssertion === null || !config.cloudflareAccess)) {
      throw new AppError("unauthorized", "Send a bearer token or API key in the Authorization header");
    }
    const principal = await authenticate(
      { bearer, accessAssertion },
      {
        db,
        tokens: config.tokens,
        cloudflareAccess: config.cloudflareAccess,
        defer: (work) => c.executionCtx.waitUntil(work),
      },
    );
    if (!principal) throw new AppError("unauthorized", "The token or API key is invalid, revoked or expired");
    c.set("principal", principal);
    if (!roleAllows(principal.role, role)) {
      recordAudit(c, principal, {
        action: "access.denied",
        targetType: "route",
        targetId: `${c.req.method} ${c.req.path}`,
        status: 403,
      });
      throw new AppError("forbidden", `This action needs the ${role} role`);
    }
    if (!options.tenantMayBeNew) await requireTenant(db, principal.tenantId, config.tenantProvisioning);
    await next();
  });
