/**
 * A long conversation in the browser: the page opens on its latest messages (the API sends a page at a time) and
 * shows the earlier ones on request, oldest first, until the first question.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium } from "../support/chromium";
import { type RunningServer, startServer, startupTimeoutMs } from "../support/server";

// More questions than the 50 messages of the first page, so the earlier ones take two more pages.
const questions = 60;

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
}, startupTimeoutMs + 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
}, 60_000);

async function post(path: string, body: unknown, token?: string): Promise<Response> {
  if (!server) throw new Error("the server did not start");
  const headers = new Headers({ "Content-Type": "application/json" });
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(new URL(path, server.baseUrl), { method: "POST", headers, body: JSON.stringify(body) });
  expect(response.status, `${path}: ${response.status}`).toBeLessThan(300);
  return response;
}

describe("a long conversation in the browser", () => {
  test("opens on the latest messages and shows the earlier ones on request", async () => {
    if (!server || !browser) throw new Error("the server or the browser did not start");
    const { token } = await (await post("/api/dev/token", { role: "member", tenant: "demo" })).json();
    const conversationId = `long-${crypto.randomUUID().slice(0, 8)}`;
    for (let turn = 1; turn <= questions; turn++) {
      const message = { id: `q${turn}`, role: "user", parts: [{ type: "text", text: `Question number ${turn}` }] };
      await (await post("/api/chat", { id: conversationId, message }, token)).text();
    }

    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    // Signed in as the owner of the conversation, as the app keeps its token.
    await page.addInitScript((stored) => window.localStorage.setItem("edge-rag-chat.token", stored), token);
    await page.goto(new URL(`/#/chat/${conversationId}`, server.baseUrl).toString());

    const userMessages = page.getByTestId("message-user");
    await expect.poll(() => userMessages.count()).toBe(25);
    expect(await userMessages.last().textContent()).toBe(`Question number ${questions}`);
    expect(await userMessages.first().textContent()).toBe(`Question number ${questions - 24}`);

    const earlier = page.getByTestId("load-earlier");
    await earlier.click();
    await expect.poll(() => userMessages.count()).toBe(50);
    await earlier.click();
    await expect.poll(() => userMessages.count()).toBe(questions);
    expect(await userMessages.first().textContent()).toBe("Question number 1");
    expect(await earlier.count()).toBe(0);
    expect(await page.getByTestId("message-assistant").count()).toBe(questions);
    await page.close();
  });
});
