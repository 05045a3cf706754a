/**
 * Failures in the browser leave the user able to go on: a question over the length limit is refused in words next
 * to the input, which keeps it; a question refused because another tab's answer is under way, or sent while the
 * server is down, keeps its text with Retry (across a reload too); an answer cut off by a server crash is marked at
 * once, with Retry; and when the server is back the page notices by itself, clears its banner and loads the answer
 * the restarted server finished. The server is stopped and started again on the same state and port.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";
import { launchChromium } from "../support/chromium";
import { storeToken } from "./app-in-browser";

// Slow enough that an answer is still streaming when the test acts on it.
const environment = { LOCAL_ANSWER_DELAY_MS: "60", ANSWER_CACHE: "off" };
const question = "How does Cloudflare Queues retry messages that fail?";
// How long the page may take to notice the restarted server: its health checks back off to 10 s apart.
const reconnectTimeoutMs = 60_000;

let stateDirectory = "";
let server: RunningServer | undefined;
let browser: Browser | undefined;
/** A member of the demo tenant; the token stays valid across restarts (same AUTH_SECRET). */
let token = "";

function running(): { server: RunningServer; browser: Browser } {
  if (!server || !browser) throw new Error("the server or the browser did not start");
  return { server, browser };
}

/** Starts a server again on the state and port of the one before it. */
async function restart(): Promise<void> {
  const port = Number(new URL(running().server.baseUrl).port);
  server = await startServer(environment, { stateDirectory, port, waitForSamples: false });
}

beforeAll(async () => {
  stateDirectory = await mkdtemp(join(tmpdir(), "edge-rag-chat-recovery-"));
  server = await startServer(environment, { stateDirectory });
  token = (await connectWithDevToken({ baseUrl: server.baseUrl }, "member", "demo")).token;
  browser = await launchChromium();
}, startupTimeoutMs + 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(stateDirectory, { recursive: true, force: true });
}, 60_000);

/** A page on a new conversation of its own, or on `conversationId`. */
async function openConversation(conversationId = `recovery-${crypto.randomUUID().slice(0, 8)}`): Promise<Page> {
  const page = await running().browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.setDefaultTimeout(30_000);
  await storeToken(page, token);
  await page.goto(new URL(`/#/chat/${conversationId}`, running().server.baseUrl).toString());
  await page.getByTestId("chat-input").waitFor();
  return page;
}

async function ask(page: Page, text: string): Promise<void> {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
}

/** Waits until there are `count` answers, the last one complete, with text and no status note. */
async function waitForCompleteAnswers(page: Page, count: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const answers = document.querySelectorAll<HTMLElement>('[data-testid="message-assistant"]');
      const last = answers[answers.length - 1];
      return (
        answers.length === expected &&
        last?.dataset.status === "complete" &&
        last.querySelector('[data-testid="answer-status"]') === null &&
        (last.querySelector(".answer-text")?.textContent ?? "").length > 0
      );
    },
    count,
    { timeout },
  );
}

/** Waits until the last answer has shown some text while it streams. */
async function waitForStreamingText(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const answers = document.querySelectorAll<HTMLElement>('[data-testid="message-assistant"]');
    const last = answers[answers.length - 1];
    return last?.dataset.status === "streaming" && (last.querySelector(".answer-text")?.textContent ?? "").length > 0;
  });
}

describe("recovering from failures in the browser", () => {
  test("a question over the length limit is refused in words next to the input, which keeps it", async () => {
    const page = await openConversation();
    const chatRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/chat")) chatRequests.push(request.url());
    });
    const long = "x".repeat(9000);
    await ask(page, long);

    const problem = page.getByTestId("composer-problem");
    await problem.waitFor();
    expect(await problem.textContent()).toBe("Your question is 9,000 characters; the limit is 8,000.");
    // Said next to the input, and tied to it for screen readers.
    const describedBy = await page.getByTestId("chat-input").getAttribute("aria-describedby");
    expect(describedBy).toBe(await problem.getAttribute("id"));
    expect(await page.getByTestId("chat-input").inputValue()).toBe(long);
    expect(chatRequests).toEqual([]);
    expect(await page.getByTestId("message-user").count()).toBe(0);

    // Shortened to the limit, it goes.
    await page.getByTestId("chat-input").fill(question);
    await problem.waitFor({ state: "detached" });
    await page.getByTestId("chat-send").click();
    await waitForCompleteAnswers(page, 1);
    await page.close();
  }, 120_000);

  test("a question refused while another tab's answer is under way keeps its text, and Retry sends it", async () => {
    const first = await openConversation();
    const conversationId = decodeURIComponent(new URL(first.url()).hash.split("/").at(-1) ?? "");
    const second = await openConversation(conversationId);

    await ask(first, question);
    await waitForStreamingText(first);
    const other = "What does the travel policy say about hotel stays?";
    await ask(second, other);

    const unsent = second.getByTestId("unsent-question");
    await unsent.filter({ hasText: other }).waitFor();
    expect(await unsent.getByTestId("unsent-reason").textContent()).toMatch(/already being written/);
    // The second tab follows the first tab's answer, then may send its own.
    await second.getByTestId("message-user").filter({ hasText: question }).waitFor();
    await waitForCompleteAnswers(second, 1);
    await waitForCompleteAnswers(first, 1);
    await second.getByTestId("unsent-retry").click();
    await waitForCompleteAnswers(second, 2);
    expect(await second.getByTestId("message-user").allTextContents()).toEqual([question, other]);
    expect(await unsent.count()).toBe(0);
    await first.close();
    await second.close();
  }, 180_000);

  test(
    "a question sent while the server is down keeps its text with Retry, through a reload, until it is answered",
    async () => {
      const page = await openConversation();
      await running().server.stop();

      await ask(page, question);
      const unsent = page.getByTestId("unsent-question").filter({ hasText: question });
      await unsent.waitFor();
      expect(await unsent.getByTestId("unsent-reason").textContent()).toMatch(/could not be reached/);
      await page.getByTestId("connection-banner").waitFor();
      expect(await page.getByTestId("message-user").count()).toBe(0);
      expect(await page.getByTestId("chat-input").isEnabled()).toBe(true);

      await restart();
      // The banner goes by itself once the page reaches the server again.
      await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: reconnectTimeoutMs });
      // Kept in the tab across a reload.
      await page.reload();
      await unsent.waitFor();
      await unsent.getByTestId("unsent-retry").click();
      await waitForCompleteAnswers(page, 1);
      expect(await page.getByTestId("message-user").allTextContents()).toEqual([question]);
      expect(await page.getByTestId("unsent-question").count()).toBe(0);
      // Answered, it is no longer kept: a reload shows the conversation as the server has it.
      await page.reload();
      await waitForCompleteAnswers(page, 1);
      expect(await page.getByTestId("unsent-question").count()).toBe(0);
      await page.close();
    },
    startupTimeoutMs + 180_000,
  );

  test(
    "an answer cut off by a server crash is marked at once with Retry, and completes when the server is back",
    async () => {
      const page = await openConversation();
      const pageErrors: string[] = [];
      page.on("pageerror", (error) => pageErrors.push(error.message));
      await ask(page, question);
      await waitForStreamingText(page);
      await running().server.kill();

      // At once: the answer says it is incomplete, and offers Retry; the page says the server is gone.
      const status = page.getByTestId("answer-status");
      await status.waitFor();
      expect(await status.getAttribute("data-answer-status")).toBe("errored");
      expect(await status.textContent()).toMatch(/connection to the server was lost/);
      await page.getByTestId("answer-retry").waitFor();
      await page.getByTestId("connection-banner").waitFor();

      // Retry while the server is still down cannot send the question: it waits, unsent, with its text.
      await page.getByTestId("answer-retry").click();
      const unsent = page.getByTestId("unsent-question").filter({ hasText: question });
      await unsent.waitFor();

      // Back again, the page loads the answer the restarted server went on to finish; the server had the question.
      await restart();
      await page.getByTestId("connection-banner").waitFor({ state: "detached", timeout: reconnectTimeoutMs });
      await waitForCompleteAnswers(page, 1, reconnectTimeoutMs);
      expect(await page.getByTestId("answer-retry").count()).toBe(0);
      expect(await page.getByTestId("unsent-question").count()).toBe(0);
      expect(await page.getByTestId("message-user").allTextContents()).toEqual([question]);
      expect(await page.locator(".error-message").count()).toBe(0);
      expect(pageErrors).toEqual([]);
      await page.close();
    },
    startupTimeoutMs + 180_000,
  );
});
