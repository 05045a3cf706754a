import type { Db } from "../db/client";
import { tokenBudgetUse } from "../db/usage";
import { AppError } from "../lib/app-error";

/** The start of the UTC day `now` is in, and of the next one, when budgets start again. */
export function budgetDay(now: Date): { start: Date; resetsAt: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { start, resetsAt: new Date(start.getTime() + 24 * 3600 * 1000) };
}

/**
 * Refuses a new answer (429 `budget_exhausted`, with `Retry-After`) when the tenant has used its daily model-token
 * budget, saying when it resets. Tenants without a budget are never refused.
 */
export async function requireTokenBudget(db: Db, tenantId: string, now = new Date()): Promise<void> {
  const { start, resetsAt } = budgetDay(now);
  // The budget and the day's use are one D1 read, on the way to every answer's first token.
  const { budget, usedTokens } = await tokenBudgetUse(db, tenantId, start);
  if (budget === null || usedTokens < budget) return;
  const minutes = Math.ceil((resetsAt.getTime() - now.getTime()) / 60_000);
  const wait = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  throw new AppError(
    "budget_exhausted",
    `Your organisation has used its daily budget of ${budget.toLocaleString("en")} model tokens; ` +
      `it resets at 00:00 UTC, in ${wait}`,
    { retryAfterSeconds: Math.ceil((resetsAt.getTime() - now.getTime()) / 1000) },
  );
}
