/**
 * End-to-end test of the real app in a real browser: `scripts/start.ts` builds and serves the Worker with
 * fresh local state and seeds sample documents; headless Chromium asks a question, checks the streamed,
 * cited answer, reloads to see the stored conversation, and uploads a document through the UI.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { type ApiClient, readBody } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { listAllDocuments } from "../../client/list-documents.ts";
import { type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";
import { launchChromium } from "../support/chromium";
import { storeToken } from "./app-in-browser";
import { startNewConversation } from "./new-conversation";

declare global {
  interface Window {
    /** Lengths of the latest answer's text, recorded on every DOM change while it streams. */
    answerTextLengths?: number[];
  }
}

const question = "How does Cloudflare Queues retry messages that fail?";

let server: RunningServer | undefined;
let baseUrl = "";
let browser: Browser | undefined;
let seededTitles: string[] = [];
/** The API as an admin of the demo tenant, whose conversations the page shows, and the token the page signs in with. */
let admin: ApiClient;
let adminToken = "";

async function openApp(hash = "#/chat"): Promise<Page> {
  if (!browser) throw new Error("the browser did not start");
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(30_000);
  await storeToken(page, adminToken);
  await page.goto(new URL(`/${hash}`, baseUrl).toString());
  return page;
}

/** Text of the last assistant answer, without the sources and timings under it. */
async function lastAnswerText(page: Page): Promise<string> {
  return (await page.locator('[data-testid="message-assistant"] .answer-text').last().textContent()) ?? "";
}

async function waitForAnswer(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const answers = document.querySelectorAll<HTMLElement>('[data-testid="message-assistant"]');
      const last = answers[answers.length - 1];
      return last?.dataset.status === "complete" && (last.querySelector(".answer-text")?.textContent ?? "").length > 0;
    },
    undefined,
    { timeout: 60_000 },
  );
}

async function ask(page: Page, text: string): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
}

beforeAll(async () => {
  // Slow the offline answer model down a little so the streaming is observable.
  // Slow enough that Stop, clicked once the answer shows, lands before it ends on a busy machine.
  // Answers are written live: a question asked again would otherwise arrive whole from the answer cache.
  server = await startServer({ LOCAL_ANSWER_DELAY_MS: "60", ANSWER_CACHE: "off" });
  baseUrl = server.baseUrl;

  // The seeded documents are the ones present before this test uploads anything; wait for their ingestion.
  ({ api: admin, token: adminToken } = await connectWithDevToken({ baseUrl }, "admin", "demo"));
  const seeded = await vi.waitUntil(
    async () => {
      const documents = await listAllDocuments(admin);
      const settled = documents.every((document) => document.status === "ready" || document.status === "failed");
      return settled && documents.some((document) => document.status === "ready") && documents;
    },
    { timeout: 120_000, interval: 500, message: "the seeded documents to be ingested" },
  );
  seededTitles = seeded.filter((document) => document.status === "ready").map((document) => document.title);

  browser = await launchChromium();
}, startupTimeoutMs + 150_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

describe("the chat app in a browser", () => {
  test("streams a cited answer and keeps the conversation across a reload", async () => {
    const page = await openApp();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // A bare #/chat gets a conversation id in the URL.
    await page.waitForURL(/#\/chat\/[A-Za-z0-9_-]+$/);
    const conversationUrl = page.url();
    await page.getByTestId("chat-input").waitFor();

    await page.evaluate(() => {
      window.answerTextLengths = [];
      new MutationObserver(() => {
        const answers = document.querySelectorAll('[data-testid="message-assistant"] .answer-text');
        const length = answers[answers.length - 1]?.textContent?.length ?? 0;
        if (length > 0) window.answerTextLengths?.push(length);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await ask(page, question);

    await page.getByTestId("message-user").filter({ hasText: question }).waitFor();
    // While the answer streams the input is disabled.
    await page.waitForFunction(() => {
      const input = document.querySelector<HTMLTextAreaElement>('[data-testid="chat-input"]');
      return input?.disabled === true;
    });
    await waitForAnswer(page);

    const lengths = await page.evaluate(() => window.answerTextLengths ?? []);
    expect(new Set(lengths).size, "the answer text should grow while it streams").toBeGreaterThan(1);
    const answer = await lastAnswerText(page);
    expect(answer.trim().length).toBeGreaterThan(20);
    expect(answer).toMatch(/retr/i);
    await expect(page.getByTestId("chat-input").isEnabled()).resolves.toBe(true);
    expect(await page.getByRole("alert").count()).toBe(0);

    const citations = page.getByTestId("citation");
    const sourceItems = page.getByTestId("source-item");
    expect(await citations.count()).toBeGreaterThan(0);
    expect(await sourceItems.count()).toBeGreaterThan(0);
    const sourceTitles = await page.locator('[data-testid="source-item"] .source-title').allInnerTexts();
    expect(sourceTitles.some((title) => seededTitles.includes(title))).toBe(true);
    await expect(page.getByTestId("answer-timings").first().isVisible()).resolves.toBe(true);

    // A citation opens the passage it points at.
    const citation = citations.first();
    const citedIndex = ((await citation.textContent()) ?? "").replace(/\D/g, "");
    await citation.click();
    const openedSnippet = page.locator(`[data-testid="source-item"][data-source-index="${citedIndex}"] blockquote`);
    await openedSnippet.waitFor({ state: "visible" });
    expect(((await openedSnippet.textContent()) ?? "").trim().length).toBeGreaterThan(0);
    await page.screenshot({ path: "/tmp/chat.png" });

    // The conversation comes back from the server after a reload.
    await page.reload();
    expect(page.url()).toBe(conversationUrl);
    await page.getByTestId("message-user").filter({ hasText: question }).waitFor();
    await waitForAnswer(page);
    expect(await lastAnswerText(page)).toBe(answer);
    expect(await page.getByTestId("citation").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("source-item").count()).toBeGreaterThan(0);

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  test("uploads a Markdown document that becomes ready and answerable", async () => {
    const page = await openApp("#/documents");
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // Seeded documents are listed.
    await page.getByTestId("document-row").first().waitFor();
    const stamp = Date.now().toString(36);
    const fileName = `browser-upload-${stamp}.md`;
    await page.getByTestId("upload-input").setInputFiles({
      name: fileName,
      mimeType: "text/markdown",
      buffer: Buffer.from(
        `# Harbour lighthouse ${stamp}\n\nThe harbour lighthouse keeper logs the fog horn schedule every evening. ` +
          `The fog horn sounds twice per minute whenever visibility drops below one nautical mile.\n`,
      ),
    });

    // Listed under its file name until ingested, then under its `# heading`: both carry the stamp.
    const row = page.getByTestId("document-row").filter({ hasText: stamp });
    await row.waitFor();
    await row
      .getByTestId("document-status")
      .filter({ hasText: /^ready$/ })
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: "/tmp/documents.png", fullPage: true });

    // The new document is searchable from the chat, in a new conversation.
    await page.getByTestId("chat-tab").click();
    await startNewConversation(page);
    await ask(page, "How often does the fog horn sound when visibility drops?");
    await waitForAnswer(page);
    const sourceTitles = await page.locator('[data-testid="source-item"] .source-title').allInnerTexts();
    expect(sourceTitles.some((title) => title.includes(stamp))).toBe(true);

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);

  test("picks an answer up again after a reload, stops one on the server, and renames and deletes conversations", async () => {
    const page = await openApp("#/chat");
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const conversationId = await startNewConversation(page);

    // Reload while the answer is being written: the page resumes it from the server and shows it once, whole.
    await ask(page, question);
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="message-assistant"] .answer-text')?.textContent ?? "").length > 0,
    );
    const resumed = page.waitForResponse(
      (response) => response.url().endsWith(`/api/chat/${conversationId}/stream`) && response.status() === 200,
    );
    await page.reload();
    await resumed;
    await waitForAnswer(page);
    expect(await page.getByTestId("message-assistant").count()).toBe(1);
    const resumedAnswer = await lastAnswerText(page);
    expect(resumedAnswer).toMatch(/retr/i);
    await page.reload();
    await waitForAnswer(page);
    expect(await lastAnswerText(page)).toBe(resumedAnswer);
    expect(await page.getByTestId("message-assistant").count()).toBe(1);

    // Stop ends the answer on the server; the partial answer stays, marked as stopped.
    await ask(page, "What does the travel policy say about hotel stays and train tickets?");
    await page.waitForFunction(() => {
      const answers = document.querySelectorAll<HTMLElement>('[data-testid="message-assistant"]');
      const last = answers[answers.length - 1];
      return answers.length === 2 && (last?.querySelector(".answer-text")?.textContent ?? "").length > 0;
    });
    await page.getByTestId("chat-stop").click();
    await page.locator('[data-answer-status="stopped"]').waitFor();
    await expect(page.getByTestId("chat-input").isEnabled()).resolves.toBe(true);
    const stored = await readBody(admin.conversations[":id"].$get({ param: { id: conversationId }, query: {} }));
    expect(stored.messages.map((message) => message.metadata?.status ?? "question")).toEqual([
      "question",
      "complete",
      "question",
      "stopped",
    ]);

    // The conversation is listed under its first question; rename it, then delete it.
    const item = page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`);
    await item.getByTestId("conversation-link").filter({ hasText: question }).waitFor();
    await item.getByTestId("conversation-rename").click();
    await item.getByTestId("conversation-title-input").fill("Queue retries");
    await item.getByTestId("conversation-title-input").press("Enter");
    await item.getByTestId("conversation-link").filter({ hasText: "Queue retries" }).waitFor();
    await page.reload();
    await item.getByTestId("conversation-link").filter({ hasText: "Queue retries" }).waitFor();
    await item.getByTestId("conversation-delete").click();
    await item.getByTestId("conversation-delete-confirm").click();
    await item.waitFor({ state: "detached" });
    await page.waitForURL((url) => !url.hash.endsWith(conversationId));
    const gone = await admin.conversations[":id"].$get({ param: { id: conversationId }, query: {} });
    expect(gone.status).toBe(404);

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
