import { eq, sql } from "drizzle-orm";
import type { Db } from "./client";
import { tenants } from "./schema";

export type TenantRow = typeof tenants.$inferSelect;

export function findTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  return db.select().from(tenants).where(eq(tenants.id, id)).get();
}

/** Creates the tenant unless it exists; an existing tenant keeps its name. */
export async function createTenantIfMissing(db: Db, id: string): Promise<void> {
  await db.insert(tenants).values({ id, name: id }).onConflictDoNothing();
}

/** Creates the tenant with `name`, or renames it; returns the row as saved. */
export async function saveTenant(db: Db, id: string, name: string): Promise<TenantRow> {
  const [row] = await db
    .insert(tenants)
    .values({ id, name })
    .onConflictDoUpdate({ target: tenants.id, set: { name: sql`excluded.name` } })
    .returning();
  if (!row) throw new Error(`Tenant ${id} was not saved`);
  return row;
}
