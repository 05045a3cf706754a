import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { audited } from "../audit/audited";
import { requireRole } from "../auth/require-role";
import { rememberTenant } from "../auth/tenant-provisioning";
import { type CallerView, saveTenantSchema, type TenantView } from "../contract";
import { findTenant, saveTenant, type TenantRow } from "../db/tenants";
import { notFound } from "../lib/app-error";
import { validate } from "../lib/validate";

function toTenantView(row: TenantRow): TenantView {
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}

/**
 * The caller's own tenant: read it (with who the caller is), and (admins) create or rename it. Creating it this way is how a deployment with
 * `TENANT_PROVISIONING = "explicit"` gets a tenant (`npm run tenant -- create`).
 */
export const tenantRoutes = new Hono<AppEnv>()
  .get("/", requireRole("member"), async (c) => {
    const tenant = await findTenant(c.var.services.db, c.var.principal.tenantId);
    if (!tenant) throw notFound("Tenant");
    const { subject, role, groups } = c.var.principal;
    const caller: CallerView = { subject, role, groups };
    return c.json({ tenant: toTenantView(tenant), caller });
  })
  .put(
    "/",
    requireRole("admin", { tenantMayBeNew: true }),
    audited("tenant.save", { type: "tenant", id: (c) => c.var.principal.tenantId }),
    validate("json", saveTenantSchema),
    async (c) => {
      const { tenantId } = c.var.principal;
      const tenant = await saveTenant(c.var.services.db, tenantId, c.req.valid("json").name);
      rememberTenant(tenantId);
      return c.json({ tenant: toTenantView(tenant) });
    },
  );
