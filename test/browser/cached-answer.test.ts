/**
 * A repeated first question in the browser: the page shows the answer from the cache, with its sources, and says
 * "Cached answer" beside its timings; a reload shows it the same way, from the saved conversation.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";
import { startNewConversation } from "./new-conversation";

const running = appInBrowser();

const question = "How does Cloudflare Queues retry messages that fail?";

describe("a cached answer in the browser", () => {
  test("is marked as cached, with the sources of the live answer, also after a reload", async () => {
    const { server, browser } = running();
    const { api, token } = await connectWithDevToken({ baseUrl: server.baseUrl }, "member", "demo");
    // The first asker's answer is written live and kept.
    const first = { id: "first-question", role: "user" as const, parts: [{ type: "text" as const, text: question }] };
    const live = await api.chat.$post({ json: { id: `live-${crypto.randomUUID().slice(0, 8)}`, message: first } });
    expect(live.status).toBeLessThan(300);
    expect(await live.text()).not.toContain('"cached":true');

    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await storeToken(page, token);
    await page.goto(new URL("/#/chat", server.baseUrl).toString());
    const conversationId = await startNewConversation(page);
    await page
      .locator(`[data-testid="chat-session"][data-conversation-id="${conversationId}"] [data-testid="chat-input"]`)
      .fill(question);
    await page.getByTestId("chat-send").click();

    const marker = page.getByTestId("cached-answer");
    await marker.waitFor();
    expect(await marker.textContent()).toBe("Cached answer");
    expect(await page.getByTestId("citation").count()).toBeGreaterThan(0);
    expect(await page.getByTestId("source-item").count()).toBeGreaterThan(0);

    await page.reload();
    await page.getByTestId("cached-answer").waitFor();
    expect(await page.getByTestId("source-item").count()).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
