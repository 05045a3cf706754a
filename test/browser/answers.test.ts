/**
 * Answers in a real browser: Markdown rendered (a cited table becomes an HTML table), Copy, Regenerate with versions
 * that survive a reload, Edit of the last question, thumbs with a comment that admins read back from the API, and
 * hostile Markup in a document and in a question that stays inert.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { BrowserContext, Page } from "playwright-core";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { type ApiClient, readBody } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";

// Slow enough that a page reloaded while an answer streams comes back before it ends.
const running = appInBrowser({ LOCAL_ANSWER_DELAY_MS: "150", ANSWER_CACHE: "off" });

const expensesDocument = `# Travel expense limits

## Limits

Each trip's costs are reimbursed up to these limits.

| Expense | Limit per day |
| --- | --- |
| Hotel night | 180 euros |
| Dinner | 35 euros |
| Taxi | 60 euros |
`;
const tableQuestion = "What is the daily limit for a hotel night expense?";

const hostileDocument = `# Security payloads

The quarantine procedure note says <img src=x onerror=alert(1)> and <script>alert(2)</script> must never run, see [the quarantine procedure page](javascript:alert(3)) first.
`;
const hostileQuestion =
  "What is the quarantine procedure? <img src=x onerror=alert(4)> <script>alert(5)</script> [x](javascript:alert(6))";

/** A tenant of its own, so retrieval sees only this file's documents; its admin is the page's user. */
let admin: ApiClient;
let adminToken = "";

beforeAll(async () => {
  const { server } = running();
  const tenant = `answers-${crypto.randomUUID().slice(0, 8)}`;
  ({ api: admin, token: adminToken } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", tenant));
  const { documents } = await readBody(
    admin.documents.batch.$post({
      json: {
        documents: [
          { externalId: "expenses", text: expensesDocument },
          { externalId: "hostile", text: hostileDocument },
        ],
      },
    }),
  );
  await vi.waitUntil(
    async () => {
      const states = await Promise.all(
        documents.map(async ({ id }) => (await readBody(admin.documents[":id"].$get({ param: { id } }))).document),
      );
      return states.every((document) => document.status === "ready");
    },
    { timeout: 60_000, interval: 200, message: "the test documents to be ingested" },
  );
});

async function openConversation(context: BrowserContext): Promise<{ page: Page; conversationId: string }> {
  const { server } = running();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const conversationId = `answers-${crypto.randomUUID().slice(0, 8)}`;
  await page.goto(new URL(`/#/chat/${conversationId}`, server.baseUrl).toString());
  await page.getByTestId("chat-input").waitFor();
  return { page, conversationId };
}

async function newContext(): Promise<BrowserContext> {
  const { server, signedOutBrowser } = running();
  const context = await signedOutBrowser.newContext({ viewport: { width: 1100, height: 900 } });
  await storeToken(context, adminToken);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl });
  return context;
}

/** Waits until `count` answers are shown and the last is complete, with its actions. */
async function waitForAnswers(page: Page, count: number): Promise<void> {
  await expect.poll(() => page.getByTestId("message-assistant").count()).toBe(count);
  await page
    .locator('[data-testid="message-assistant"][data-status="complete"] [data-testid="answer-actions"]')
    .nth(count - 1)
    .waitFor();
}

async function ask(page: Page, text: string, answersAfter: number): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
  await waitForAnswers(page, answersAfter);
}

const lastAnswer = (page: Page) => page.getByTestId("message-assistant").last();
const shownAnswerId = async (page: Page) =>
  (await lastAnswer(page).getByTestId("answer-actions").getAttribute("data-message-id")) ?? "";

describe("answers in the browser", () => {
  test("a cited Markdown table renders as a table; Copy puts the answer's text on the clipboard", async () => {
    const context = await newContext();
    const { page, conversationId } = await openConversation(context);
    await ask(page, tableQuestion, 1);

    const table = lastAnswer(page).locator(".answer-text table");
    await table.waitFor();
    expect(await table.locator("th").allInnerTexts()).toEqual(["Expense", "Limit per day"]);
    expect(await table.locator("tbody tr").first().locator("td").allInnerTexts()).toEqual(["Hotel night", "180 euros"]);
    // The citation before the table is still a button that opens its source.
    await lastAnswer(page).getByTestId("citation").first().click();
    await lastAnswer(page).locator('[data-testid="source-item"] blockquote').first().waitFor({ state: "visible" });

    await lastAnswer(page).getByTestId("copy-answer").click();
    await lastAnswer(page).getByTestId("copy-answer").filter({ hasText: "Copied" }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const { messages } = await readBody(admin.conversations[":id"].$get({ param: { id: conversationId }, query: {} }));
    const stored = messages
      .at(-1)
      ?.parts.flatMap((part) => (part.type === "text" ? [part.text] : []))
      .join("");
    expect(copied).toBe(stored);
    expect(copied).toContain("| Hotel night | 180 euros |");
    await page.screenshot({ path: "/tmp/answer-table.png" });
    await context.close();
  });

  test("Regenerate keeps the earlier answer as a version, across a reload; Edit asks the question again", async () => {
    const context = await newContext();
    const { page, conversationId } = await openConversation(context);
    await ask(page, tableQuestion, 1);
    const firstId = await shownAnswerId(page);

    await lastAnswer(page).getByTestId("regenerate").click();
    await page.getByTestId("version-label").filter({ hasText: "2 / 2" }).waitFor();
    await waitForAnswers(page, 1);
    const secondId = await shownAnswerId(page);
    expect(secondId).not.toBe(firstId);
    await page.getByTestId("version-previous").click();
    await page.getByTestId("version-label").filter({ hasText: "1 / 2" }).waitFor();
    expect(await shownAnswerId(page)).toBe(firstId);
    // The earlier version is not the latest answer: it cannot be regenerated from here.
    expect(await page.getByTestId("regenerate").count()).toBe(0);
    await page.getByTestId("version-next").click();
    await page.getByTestId("version-label").filter({ hasText: "2 / 2" }).waitFor();

    await page.reload();
    await page.getByTestId("version-label").filter({ hasText: "2 / 2" }).waitFor();
    expect(await shownAnswerId(page)).toBe(secondId);
    expect(await page.getByTestId("message-assistant").count()).toBe(1);

    // Edit the question: it is asked again, and its answers are replaced.
    await page.getByTestId("edit-question").click();
    await page.getByTestId("question-editor").getByText("will be replaced").waitFor();
    await page.getByTestId("question-edit-input").fill("What is the daily limit for a taxi expense?");
    await page.getByTestId("question-edit-send").click();
    await page.getByTestId("message-user").filter({ hasText: "taxi" }).waitFor();
    await waitForAnswers(page, 1);
    expect(await page.getByTestId("message-user").count()).toBe(1);
    expect(await page.getByTestId("answer-versions").count()).toBe(0);
    const { messages } = await readBody(admin.conversations[":id"].$get({ param: { id: conversationId }, query: {} }));
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(messages[0]?.parts).toEqual([{ type: "text", text: "What is the daily limit for a taxi expense?" }]);
    expect([firstId, secondId]).not.toContain(messages[1]?.id);
    await context.close();
  });

  test("a page reloaded while a new version streams resumes it as the second version", async () => {
    const context = await newContext();
    const { page } = await openConversation(context);
    await ask(page, tableQuestion, 1);
    const firstId = await shownAnswerId(page);

    await lastAnswer(page).getByTestId("regenerate").click();
    await page.locator('[data-testid="message-assistant"][data-status="streaming"] .answer-text').waitFor();
    await page.reload();
    // Picked up mid-answer, as the newest version, with the first one kept.
    await page.locator('[data-testid="message-assistant"][data-status="streaming"]').waitFor();
    await page.getByTestId("version-label").filter({ hasText: "2 / 2" }).waitFor();
    await waitForAnswers(page, 1);
    expect(await shownAnswerId(page)).not.toBe(firstId);
    await page.getByTestId("version-previous").click();
    expect(await shownAnswerId(page)).toBe(firstId);
    await context.close();
  });

  test("thumbs up and down with a comment are stored and read back by admins", async () => {
    const context = await newContext();
    const { page, conversationId } = await openConversation(context);
    await ask(page, tableQuestion, 1);
    const answerId = await shownAnswerId(page);

    await lastAnswer(page).getByTestId("feedback-up").click();
    await expect.poll(() => lastAnswer(page).getByTestId("feedback-up").getAttribute("aria-pressed")).toBe("true");
    await lastAnswer(page).getByTestId("feedback-down").click();
    await expect.poll(() => lastAnswer(page).getByTestId("feedback-down").getAttribute("aria-pressed")).toBe("true");
    await page.getByTestId("feedback-comment").fill("The taxi limit was missing.");
    await page.getByTestId("feedback-save").click();
    await page.getByTestId("feedback-comment").waitFor({ state: "detached" });

    const { feedback } = await readBody(admin.feedback.$get({ query: {} }));
    expect(feedback.filter((entry) => entry.conversationId === conversationId)).toEqual([
      expect.objectContaining({ messageId: answerId, rating: "down", comment: "The taxi limit was missing." }),
    ]);

    await page.reload();
    await waitForAnswers(page, 1);
    expect(await lastAnswer(page).getByTestId("feedback-down").getAttribute("aria-pressed")).toBe("true");
    expect(await lastAnswer(page).getByTestId("feedback-up").getAttribute("aria-pressed")).toBe("false");
    await context.close();
  });

  test("hostile Markup in a document and in a question renders inert", async () => {
    const context = await newContext();
    const { page } = await openConversation(context);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await ask(page, hostileQuestion, 1);

    // The payloads are shown as the text they are.
    expect(await page.getByTestId("message-user").locator(".message-body").textContent()).toBe(hostileQuestion);
    const answerText = (await lastAnswer(page).locator(".answer-text").textContent()) ?? "";
    expect(answerText).toContain("<img src=x onerror=alert(1)>");
    expect(answerText).toContain("<script>alert(2)</script>");

    const messageList = page.locator(".message-list");
    expect(await messageList.locator("script").count()).toBe(0);
    expect(await messageList.locator("img").count()).toBe(0);
    expect(await messageList.locator("[onerror]").count()).toBe(0);
    // The link is kept, without its javascript: URL.
    const links = await messageList
      .locator(".answer-text a")
      .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute("href")));
    expect(links.length).toBeGreaterThan(0);
    for (const href of links) expect(href ?? "").not.toMatch(/^\s*javascript:/i);
    await messageList.locator(".answer-text a").first().click();
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
