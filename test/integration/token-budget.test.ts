import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { budgetDay, requireTokenBudget } from "../../worker/auth/token-budget";
import type { UsageView } from "../../worker/contract";
import { createDb } from "../../worker/db/client";
import { usage } from "../../worker/db/schema";
import { AppError } from "../../worker/lib/app-error";
import { call, devToken, postJson, uniqueTenant } from "../support/api";

function setBudget(admin: string, dailyTokens: number | null) {
  return call("/api/usage/budget", {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ dailyTokens }),
    token: admin,
  });
}

async function recordAnswer(tenantId: string, tokens: number, at: Date) {
  await createDb(env.DB)
    .insert(usage)
    .values({
      id: crypto.randomUUID(),
      tenantId,
      conversationId: "c",
      messageId: crypto.randomUUID(),
      model: "test",
      retrievalMs: 10,
      firstTokenMs: 50,
      totalMs: 200,
      inputTokens: tokens / 2,
      outputTokens: tokens / 2,
      chunkIds: [],
      createdAt: at,
    });
}

describe("daily token budgets", () => {
  it("shows usage against the budget and refuses answers once it is used, until the next UTC day", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const db = createDb(env.DB);
    const now = new Date();
    await recordAnswer(tenant, 600, now);
    await recordAnswer(tenant, 10_000, new Date(budgetDay(now).start.getTime() - 1000));

    expect((await setBudget(admin, 1000)).status).toBe(200);
    const usageView = await (await call("/api/usage", { token: admin })).json<UsageView>();
    expect(usageView.today).toMatchObject({ answers: 1, inputTokens: 300, outputTokens: 300, dailyTokenBudget: 1000 });
    expect(usageView.latency).toMatchObject({ answers: 2, firstTokenP50: 50, totalP50: 200 });
    await expect(requireTokenBudget(db, tenant, now)).resolves.toBeUndefined();

    await recordAnswer(tenant, 400, now);
    const member = await devToken("member", tenant);
    const question = await postJson(
      "/api/chat",
      { id: crypto.randomUUID(), message: { id: "q1", role: "user", parts: [{ type: "text", text: "Anything?" }] } },
      member,
    );
    expect(question.status).toBe(429);
    expect(Number(question.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await question.json()).toEqual({
      error: { code: "budget_exhausted", message: expect.stringContaining("resets at 00:00 UTC") },
    });
    const refused = await requireTokenBudget(db, tenant, now).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    if (!(refused instanceof AppError)) return;
    expect(refused.code).toBe("budget_exhausted");
    expect(refused.status).toBe(429);
    expect(refused.message).toContain("1,000 model tokens");
    expect(refused.retryAfterSeconds).toBe(Math.ceil((budgetDay(now).resetsAt.getTime() - now.getTime()) / 1000));

    // The next day starts from zero.
    await expect(requireTokenBudget(db, tenant, budgetDay(now).resetsAt)).resolves.toBeUndefined();
    // Removing the budget lifts the limit.
    expect((await setBudget(admin, null)).status).toBe(200);
    await expect(requireTokenBudget(db, tenant, now)).resolves.toBeUndefined();
  });

  it("lets only admins see usage or set a budget, and validates it", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    expect((await call("/api/usage", { token: await devToken("member", tenant) })).status).toBe(403);
    expect((await setBudget(admin, 0)).status).toBe(400);
    expect((await setBudget(admin, 1.5)).status).toBe(400);
  });
});
