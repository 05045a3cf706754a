import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Role } from "../contract";
import { AppError } from "../lib/app-error";
import { authenticate } from "./authenticate";
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
    const token = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw new AppError("unauthorized", "Send a bearer token in the Authorization header");
    const { db, config } = c.var.services;
    const principal = await authenticate(token, {
      db,
      authSecret: config.authSecret,
      defer: (work) => c.executionCtx.waitUntil(work),
    });
    if (!principal) throw new AppError("unauthorized", "The token or API key is invalid, revoked or expired");
    if (!roleAllows(principal.role, role)) throw new AppError("forbidden", `This action needs the ${role} role`);
    if (!options.tenantMayBeNew) await requireTenant(db, principal.tenantId, config.tenantProvisioning);
    c.set("principal", principal);
    await next();
  });
