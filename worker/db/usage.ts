import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "./client";
import { tenants, usage } from "./schema";

// The tenant's usage rows since `since`.
function usageSince(tenantId: string, since: Date) {
  return and(eq(usage.tenantId, tenantId), gte(usage.createdAt, since));
}

/** The tenant's answers and model tokens since `since`. */
export async function tokensUsedSince(
  db: Db,
  tenantId: string,
  since: Date,
): Promise<{ answers: number; inputTokens: number; outputTokens: number }> {
  const [row] = await db
    .select({
      answers: sql<number>`count(*)`,
      inputTokens: sql<number>`coalesce(sum(${usage.inputTokens}), 0)`,
      outputTokens: sql<number>`coalesce(sum(${usage.outputTokens}), 0)`,
    })
    .from(usage)
    .where(usageSince(tenantId, since));
  return {
    answers: Number(row?.answers ?? 0),
    inputTokens: Number(row?.inputTokens ?? 0),
    outputTokens: Number(row?.outputTokens ?? 0),
  };
}

/**
 * The tenant's daily token budget (null: none) and the model tokens it has used since `since`, in one statement; the
 * usage is only added up for a tenant with a budget (0 otherwise).
 */
export async function tokenBudgetUse(
  db: Db,
  tenantId: string,
  since: Date,
): Promise<{ budget: number | null; usedTokens: number }> {
  const used = db
    .select({ tokens: sql<number>`coalesce(sum(${usage.inputTokens}), 0) + coalesce(sum(${usage.outputTokens}), 0)` })
    .from(usage)
    .where(usageSince(tenantId, since));
  const row = await db
    .select({
      budget: tenants.dailyTokenBudget,
      usedTokens: sql<number>`CASE WHEN ${tenants.dailyTokenBudget} IS NULL THEN 0 ELSE (${used}) END`,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .get();
  return { budget: row?.budget ?? null, usedTokens: Number(row?.usedTokens ?? 0) };
}

/** Answer timings since `since`, oldest first (for percentiles; at most `limit`, the newest). */
export function answerTimingsSince(
  db: Db,
  tenantId: string,
  since: Date,
  limit: number,
): Promise<Array<{ firstTokenMs: number | null; totalMs: number; retrievalMs: number }>> {
  return db
    .select({ firstTokenMs: usage.firstTokenMs, totalMs: usage.totalMs, retrievalMs: usage.retrievalMs })
    .from(usage)
    .where(and(eq(usage.tenantId, tenantId), gte(usage.createdAt, since)))
    .orderBy(sql`${usage.createdAt} DESC`)
    .limit(limit);
}

export async function tokenBudget(db: Db, tenantId: string): Promise<number | null> {
  const row = await db.select({ budget: tenants.dailyTokenBudget }).from(tenants).where(eq(tenants.id, tenantId)).get();
  return row?.budget ?? null;
}

export async function setTokenBudget(db: Db, tenantId: string, dailyTokens: number | null): Promise<void> {
  await db.update(tenants).set({ dailyTokenBudget: dailyTokens }).where(eq(tenants.id, tenantId));
}
