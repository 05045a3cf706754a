/**
 * The conversation list of someone with many conversations, in headless Chromium: the first 50 are listed with the day
 * each was last active, scrolling to the end of the list loads the rest, and the search finds one by its title.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";

// More than the 50 of the first page.
const conversationCount = 60;

const running = appInBrowser();

describe("the conversation list", () => {
  test("scrolls past the first 50 conversations and finds one of 60 by its title", async () => {
    const { server, browser } = running();
    const tenant = `list-${crypto.randomUUID().slice(0, 8)}`;
    const { api, token } = await connectWithDevToken({ baseUrl: server.baseUrl }, "member", tenant);
    for (let index = 1; index <= conversationCount; index++) {
      // The first question titles the conversation; one of them is about something else.
      const text = index === 7 ? "Where do zebras sleep?" : `Question about topic ${index}`;
      const message = { id: `q${index}`, role: "user" as const, parts: [{ type: "text" as const, text }] };
      const answer = await api.chat.$post({ json: { id: `many-${index}`, message } });
      expect(answer.status).toBeLessThan(300);
      await answer.text();
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await storeToken(page, token);
    await page.goto(new URL("/#/chat/many-60", server.baseUrl).toString());

    const items = page.getByTestId("conversation-item");
    await expect.poll(() => items.count()).toBe(50);
    await expect(items.first().getByTestId("conversation-date").textContent()).resolves.toBe("today");

    // Scrolling to the end of the list loads the next page by itself.
    await items.nth(49).scrollIntoViewIfNeeded();
    await expect.poll(() => items.count()).toBe(conversationCount);
    await expect(page.getByTestId("conversation-load-more").count()).resolves.toBe(0);
    await expect(items.last().getByTestId("conversation-link").textContent()).resolves.toBe("Question about topic 1");

    // The search asks the server, so it finds a conversation wherever it is in the list.
    await page.getByTestId("conversation-search").fill("zebra");
    await expect.poll(() => items.count()).toBe(1);
    await expect(items.getByTestId("conversation-link").textContent()).resolves.toBe("Where do zebras sleep?");
    await page.getByTestId("conversation-search").fill("no such conversation");
    await page.getByText("No conversation title contains that.").waitFor();
    await page.getByTestId("conversation-search").fill("");
    await expect.poll(() => items.count()).toBe(50);
    await page.screenshot({ path: "/tmp/conversation-list.png" });

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
