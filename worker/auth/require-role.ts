import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import type { Role } from "../contract";
import { AppError } from "../lib/app-error";
import { requireTenant } from "./tenant-provisioning";
import { verifyToken } from "./token";

/** Options of `requireRole`. */
export interface RequireRoleOptions {
  /** The route creates the caller's tenant itself (`PUT /api/tenant`), so it may not exist yet. */
  tenantMayBeNew?: boolean;
}

/**
 * Authenticates the bearer token and requires `role` (admin satisfies member); the token's tenant must exist, or is
 * created on first use when the deployment provisions tenants that way.
 */
export const requireRole = (role: Role, options: RequireRoleOptions = {}) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const token = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw new AppError("unauthorized", "Send a bearer token in the Authorization header");
    const principal = await verifyToken(token, c.var.services.config.authSecret);
    if (!principal) throw new AppError("unauthorized", "The token is invalid or has expired");
    if (role === "admin" && principal.role !== "admin") {
      throw new AppError("forbidden", "This action needs the admin role");
    }
    const { db, config } = c.var.services;
    if (!options.tenantMayBeNew) await requireTenant(db, principal.tenantId, config.tenantProvisioning);
    c.set("principal", principal);
    await next();
  });
