import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { audited } from "../audit/audited";
import { requireRole } from "../auth/require-role";
import { budgetDay } from "../auth/token-budget";
import { tokenBudgetSchema, type UsageView } from "../contract";
import { answerTimingsSince, setTokenBudget, tokenBudget, tokensUsedSince } from "../db/usage";
import { validate } from "../lib/validate";

// Percentiles are taken over the newest answers of the last week, at most this many.
const latencySample = 5000;
const weekMs = 7 * 24 * 3600 * 1000;

function percentile(sorted: number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? null;
}

const ascending = (values: number[]) => values.toSorted((first, second) => first - second);

/** What the tenant's answers cost and how fast they were (admins), and its daily model-token budget. */
export const usageRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .get("/", async (c) => {
    const { db } = c.var.services;
    const { tenantId } = c.var.principal;
    const now = new Date();
    const { start, resetsAt } = budgetDay(now);
    const [today, budget, timings] = await Promise.all([
      tokensUsedSince(db, tenantId, start),
      tokenBudget(db, tenantId),
      answerTimingsSince(db, tenantId, new Date(now.getTime() - weekMs), latencySample),
    ]);
    const firstTokens = ascending(
      timings.flatMap((timing) => (timing.firstTokenMs === null ? [] : [timing.firstTokenMs])),
    );
    const totals = ascending(timings.map((timing) => timing.totalMs));
    const retrievals = ascending(timings.map((timing) => timing.retrievalMs));
    const view: UsageView = {
      today: { ...today, dailyTokenBudget: budget, resetsAt: resetsAt.toISOString() },
      latency: {
        answers: timings.length,
        firstTokenP50: percentile(firstTokens, 0.5),
        firstTokenP95: percentile(firstTokens, 0.95),
        totalP50: percentile(totals, 0.5),
        totalP95: percentile(totals, 0.95),
        retrievalP50: percentile(retrievals, 0.5),
      },
    };
    return c.json(view);
  })
  .put("/budget", audited("budget.set"), validate("json", tokenBudgetSchema), async (c) => {
    const { dailyTokens } = c.req.valid("json");
    await setTokenBudget(c.var.services.db, c.var.principal.tenantId, dailyTokens);
    return c.json({ dailyTokenBudget: dailyTokens });
  });
