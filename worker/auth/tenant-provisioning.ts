import type { Db } from "../db/client";
import { createTenantIfMissing, findTenant } from "../db/tenants";
import { AppError } from "../lib/app-error";

/**
 * How tenants come to exist: `on-first-use` creates the tenant a verified token names on its first request;
 * `explicit` only lets an admin of the tenant create it (`PUT /api/tenant`, `npm run tenant -- create`), and
 * refuses everyone else until then.
 */
export type TenantProvisioning = "on-first-use" | "explicit";

// Tenants known to exist, per isolate, so only the first request of a tenant costs a D1 round trip. Bounded: a
// deployment with more tenants than this just checks again now and then.
const knownTenants = new Set<string>();
const maxKnownTenants = 10_000;

/** Makes sure the caller's tenant exists, creating it when the deployment provisions tenants on first use. */
export async function requireTenant(db: Db, tenantId: string, provisioning: TenantProvisioning): Promise<void> {
  if (knownTenants.has(tenantId)) return;
  if (provisioning === "on-first-use") await createTenantIfMissing(db, tenantId);
  else if (!(await findTenant(db, tenantId))) {
    throw new AppError(
      "forbidden",
      `The organisation "${tenantId}" has not been set up on this deployment yet; ` +
        `an administrator creates it with \`npm run tenant -- create ${tenantId}\``,
    );
  }
  rememberTenant(tenantId);
}

/** Records that a tenant exists (e.g. right after it was created). */
export function rememberTenant(tenantId: string): void {
  if (knownTenants.size >= maxKnownTenants) knownTenants.clear();
  knownTenants.add(tenantId);
}
