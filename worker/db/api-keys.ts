import { and, count, desc, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "./client";
import { apiKeys } from "./schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;

export async function insertApiKey(db: Db, row: NewApiKeyRow): Promise<ApiKeyRow> {
  const [saved] = await db.insert(apiKeys).values(row).returning();
  if (!saved) throw new Error("The API key was not saved");
  return saved;
}

/** A tenant's keys, newest first, revoked ones included. */
export function listApiKeys(db: Db, tenantId: string, limit: number): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.createdAt)).limit(limit);
}

export async function countActiveApiKeys(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ active: count() })
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)));
  return row?.active ?? 0;
}

/** A key by id, whatever its tenant (the key itself names the tenant it acts for). */
export function findApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
}

/** Revokes a tenant's key (a revoked key stays revoked); undefined when the tenant has no such key. */
export async function revokeApiKey(db: Db, tenantId: string, id: string, now: Date): Promise<ApiKeyRow | undefined> {
  await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, id)))
    .get();
}

/** Records a use of the key, at most once per `resolutionMs`, so busy keys do not write on every request. */
export async function touchApiKey(db: Db, id: string, now: Date, resolutionMs: number): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiKeys.id, id),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, new Date(now.getTime() - resolutionMs))),
      ),
    );
}
