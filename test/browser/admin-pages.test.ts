/**
 * End-to-end test of the admin pages against the real app (`scripts/start.ts`) in headless Chromium: API keys
 * (the secret shown once, revoked at once), webhook signing secrets and the deliveries signed with them, the audit
 * log of those actions, collection access, and that a member sees none of these pages.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Page, Response } from "playwright-core";
import { describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";

const running = appInBrowser();
const stamp = Date.now().toString(36);

/**
 * A page at `hash`, signed in with `token` when given (else as the demo tenant's admin), and the
 * answer to the app's question whether the caller is an admin (`GET /api/collections`).
 */
async function openPage(
  hash: string,
  token?: string,
): Promise<{ page: Page; pageErrors: string[]; adminAnswer: Promise<Response> }> {
  const { server, browser } = running();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  if (token) await storeToken(page, token);
  const adminAnswer = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/tenant");
  // Only some tests wait for it; a page closed before it answered is no failure of the others.
  adminAnswer.catch(() => undefined);
  await page.goto(new URL(`/${hash}`, server.baseUrl).toString());
  return { page, pageErrors, adminAnswer };
}

/** Sends a delivery signed as README "Push documents from another system" shows; answers the HTTP status. */
async function sendSignedDelivery(secret: string, webhookId: string, body: unknown): Promise<number> {
  const { server } = running();
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${webhookId}.${timestamp}.${text}`).digest("base64");
  const response = await fetch(new URL("/api/webhooks/ingest?tenant=demo", server.baseUrl), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": webhookId,
      "webhook-timestamp": timestamp,
      "webhook-signature": `v1,${signature}`,
    },
    body: text,
  });
  await response.text();
  return response.status;
}

/** Filters the audit page by `action` and answers the actions and targets of the rows it then lists. */
async function auditRowsFor(page: Page, action: string): Promise<Array<{ action: string; text: string }>> {
  await page.getByTestId("audit-filter-action").selectOption(action);
  await page.getByTestId("audit-filter-apply").click();
  const rows = page.getByTestId("audit-row");
  // The rows of the new filter replace the earlier ones once its answer is in.
  await expect
    .poll(async () => (await rows.count()) > 0 && (await rows.first().getAttribute("data-action")))
    .toBe(action);
  await page.locator('table[aria-busy="false"]').waitFor();
  return rows.evaluateAll((elements) =>
    elements.map((element) => ({ action: element.getAttribute("data-action") ?? "", text: element.textContent ?? "" })),
  );
}

describe("the admin pages", () => {
  test("an admin creates an API key, sees its secret once, and revokes it", async () => {
    const { server } = running();
    const { page, pageErrors } = await openPage("#/integrations");
    await page.getByTestId("integrations-tab").waitFor();
    const name = `cms-${stamp}`;
    await page.getByTestId("api-key-name").fill(name);
    await page.getByTestId("api-key-role").selectOption("ingest");
    await page.getByTestId("api-key-groups").fill("finance, legal");
    await page.getByTestId("api-key-create").click();

    const secret = await page.getByTestId("api-key-secret-value").inputValue();
    expect(secret).toMatch(/^rag_/);
    await expect(page.getByTestId("api-key-secret").textContent()).resolves.toContain("Shown only now");
    const row = page.getByTestId("api-key-row").filter({ hasText: name });
    await expect(row.textContent()).resolves.toContain("finance, legal");
    const prefix = (await row.getByTestId("api-key-prefix").textContent()) ?? "";
    expect(prefix.length).toBeGreaterThan(4);
    expect(secret.startsWith(prefix.replace(/…$/, ""))).toBe(true);

    // The key works until it is revoked.
    const batch = (authorization: string) =>
      fetch(new URL("/api/documents/batch", server.baseUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${authorization}`, "content-type": "application/json" },
        body: JSON.stringify({
          documents: [{ externalId: `key-${stamp}`, text: `# Key ${stamp}\n\nPushed with a key.` }],
        }),
      });
    expect((await batch(secret)).status).toBe(202);

    // After a reload only the prefix is left.
    await page.reload();
    await row.waitFor();
    expect(await page.getByTestId("api-key-secret").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain(secret);
    await expect(row.getByTestId("api-key-revoked").textContent()).resolves.toBe("active");

    await row.getByTestId("api-key-revoke").click();
    await row.getByTestId("api-key-revoke-confirm").click();
    await expect.poll(() => row.getByTestId("api-key-revoked").textContent()).not.toBe("active");
    expect(await row.getByTestId("api-key-revoke").count()).toBe(0);
    expect((await batch(secret)).status).toBe(401);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("an admin rotates the webhook secret and sees a delivery signed with it", async () => {
    const { page, pageErrors } = await openPage("#/integrations");
    const secrets = page.getByTestId("webhook-secret-row");
    await page.getByTestId("webhook-secrets-panel").getByRole("status").waitFor({ state: "detached" });
    const before = await secrets.count();

    // Created (or rotated), then rotated again: the second keeps the first valid until its expiry, and says so.
    await page.getByTestId("webhook-secret-rotate").click();
    await expect.poll(() => secrets.count()).toBe(before + 1);
    await page.getByTestId("webhook-secret-value").getByRole("button", { name: "I have copied it" }).click();
    await page.getByTestId("webhook-secret-rotate").click();
    const box = page.getByTestId("webhook-secret-value");
    const secret = await box.getByTestId("webhook-secret-value-value").inputValue();
    expect(secret).toMatch(/^whsec_/);
    await expect(box.textContent()).resolves.toContain("previous secret stays valid until its expiry");
    await expect.poll(() => secrets.count()).toBe(before + 2);
    await expect
      .poll(() => secrets.getByTestId("webhook-secret-expires").filter({ hasText: "current" }).count())
      .toBe(1);

    const webhookId = `msg_${randomUUID()}`;
    const externalId = `handbook-${stamp}`;
    const status = await sendSignedDelivery(secret, webhookId, {
      documents: [
        {
          externalId,
          title: `Handbook ${stamp}`,
          text: "# Handbook\n\nExpenses are filed within 30 days.",
          collection: `finance-${stamp}`,
        },
      ],
    });
    expect(status).toBe(202);

    await page.getByTestId("webhook-deliveries-refresh").click();
    const delivery = page.locator(`[data-testid="webhook-delivery-row"][data-webhook-id="${webhookId}"]`);
    await delivery.waitFor();
    await expect(delivery.getByTestId("webhook-delivery-outcome").textContent()).resolves.toBe("accepted");
    await expect(delivery.getByTestId("webhook-delivery-documents").textContent()).resolves.toContain(externalId);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("the audit page lists those actions, filtered by action", async () => {
    const { page, pageErrors } = await openPage("#/audit");
    await page.getByTestId("audit-row").first().waitFor();

    const created = await auditRowsFor(page, "key.create");
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((row) => row.action === "key.create")).toBe(true);
    const revoked = await auditRowsFor(page, "key.revoke");
    expect(revoked.length).toBeGreaterThan(0);
    expect(revoked.every((row) => row.action === "key.revoke")).toBe(true);
    const rotated = await auditRowsFor(page, "webhook-secret.rotate");
    expect(rotated.length).toBeGreaterThanOrEqual(2);
    const delivered = await auditRowsFor(page, "webhook.deliver");
    expect(delivered.some((row) => row.text.includes("msg_"))).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("the audit page reads more entries a page at a time", async () => {
    const { server } = running();
    const { api } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", "demo");
    // More key.create entries than the first page's 50 (the first test made one).
    for (let index = 0; index < 55; index++) {
      const answer = await api.keys.$post({ json: { name: `paging-${stamp}-${index}`, role: "ingest" } });
      expect(answer.status).toBe(201);
    }
    // Entries are written just after the answer: wait until the API lists all 56.
    const listed = async () =>
      (await (await api.audit.$get({ query: { action: "key.create", limit: "100" } })).json()).entries.length;
    await expect.poll(listed).toBe(56);
    const { page, pageErrors } = await openPage("#/audit");
    const firstPage = await auditRowsFor(page, "key.create");
    expect(firstPage).toHaveLength(50);
    await page.getByTestId("audit-more").click();
    const rows = page.getByTestId("audit-row");
    await expect.poll(() => rows.count()).toBe(56);
    // Every entry once, newest first.
    const texts = await rows.evaluateAll((elements) => elements.map((element) => element.textContent ?? ""));
    expect(new Set(texts).size).toBe(56);
    await page.getByTestId("audit-more").waitFor({ state: "detached" });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("an admin restricts a collection to a group and sees it listed so", async () => {
    const { page, pageErrors } = await openPage("#/collections");
    const name = `finance-${stamp}`;
    const row = page.locator(`[data-testid="collection-row"][data-collection="${name}"]`);
    await row.waitFor();
    await expect(row.getByTestId("collection-access").textContent()).resolves.toBe("Whole tenant");

    await row.getByTestId("collection-edit").click();
    const groups = page.getByTestId("collection-access-group-names");
    expect(await groups.isDisabled()).toBe(true);
    await page.getByLabel("These groups:").check();
    // Blanks and repeats are dropped.
    await groups.fill("finance, finance , auditors,");
    await page.getByTestId("collection-access-save").click();
    await expect.poll(() => row.getByTestId("collection-access").textContent()).toBe("Groups: finance, auditors");

    // The page shows what the server stored.
    await page.reload();
    await expect.poll(() => row.getByTestId("collection-access").textContent()).toBe("Groups: finance, auditors");
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("a member sees none of the admin tabs, nor the documents tab", async () => {
    const { server } = running();
    const { token } = await connectWithDevToken({ baseUrl: server.baseUrl }, "member", "demo");
    const { page, pageErrors, adminAnswer } = await openPage("#/chat", token);
    // The app asks the API who the caller is; once it has answered, the tabs are final.
    expect((await adminAnswer).status()).toBe(200);
    await page.getByTestId("account-role").filter({ hasText: "member" }).waitFor();
    await page.getByTestId("chat-tab").waitFor();
    for (const tab of ["documents-tab", "integrations-tab", "audit-tab", "collections-tab"]) {
      expect(await page.getByTestId(tab).count()).toBe(0);
    }
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
