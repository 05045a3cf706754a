/**
 * A long conversation in the browser: the page opens on its latest messages (the API sends a page at a time) and
 * shows the earlier ones on request, oldest first, until the first question.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";

// More questions than the 50 messages of the first page, so the earlier ones take two more pages.
const questions = 60;

const running = appInBrowser();

describe("a long conversation in the browser", () => {
  test("opens on the latest messages and shows the earlier ones on request", async () => {
    const { server, browser } = running();
    const { api, token } = await connectWithDevToken({ baseUrl: server.baseUrl }, "member", "demo");
    const conversationId = `long-${crypto.randomUUID().slice(0, 8)}`;
    for (let turn = 1; turn <= questions; turn++) {
      const text = `Question number ${turn}`;
      const message = { id: `q${turn}`, role: "user" as const, parts: [{ type: "text" as const, text }] };
      const answer = await api.chat.$post({ json: { id: conversationId, message } });
      expect(answer.status, `/api/chat: ${answer.status}`).toBeLessThan(300);
      await answer.text();
    }

    const page = await browser.newPage();
    page.setDefaultTimeout(30_000);
    // Signed in as the owner of the conversation, as the app keeps its token.
    await storeToken(page, token);
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
