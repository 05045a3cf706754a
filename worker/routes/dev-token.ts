import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { recordAudit } from "../audit/audited";
import { rememberTenant } from "../auth/tenant-provisioning";
import { signToken } from "../auth/token";
import { devTokenRequestSchema } from "../contract";
import { createTenantIfMissing } from "../db/tenants";
import { AppError } from "../lib/app-error";
import { validate } from "../lib/validate";

const devTokenLifetimeSeconds = 7 * 24 * 3600;

/** Local-only token issuing; every request is a 404 unless the DEV_AUTH var is on. */
export const devTokenRoutes = new Hono<AppEnv>().post("/", validate("json", devTokenRequestSchema), async (c) => {
  if (!c.var.services.config.devAuth) throw new AppError("not_found", "Development tokens are disabled");
  const { role, tenant } = c.req.valid("json");
  await createTenantIfMissing(c.var.services.db, tenant);
  rememberTenant(tenant);
  const principal = { tenantId: tenant, role, subject: `dev-${role}`, groups: [] };
  const token = await signToken(principal, c.var.services.config.tokens.secret, devTokenLifetimeSeconds);
  // A development sign-in is an identity handed out without a password: record it like any admin action.
  recordAudit(c, principal, { action: "dev-token.issue", targetType: "tenant", targetId: tenant, status: 200 });
  return c.json({ token, tenant, role });
});
