/**
 * The layout in a real browser against the real app (`scripts/start.ts`): at phone width (390 px, touch) the chat
 * input is in view without scrolling, the conversations are a drawer that opens from a button and closes when one is
 * chosen, their Rename and Delete show without hover, and documents are cards with their actions in view; the dark
 * theme follows the system and the toggle (remembered across a reload); the tab's title follows the page and the
 * conversation's title.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser } from "./app-in-browser";

const running = appInBrowser();
const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function openPage(hash: string, options: BrowserContextOptions): Promise<{ page: Page; pageErrors: string[] }> {
  const { server, browser } = running();
  const page = await browser.newPage(options);
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(new URL(`/${hash}`, server.baseUrl).toString());
  return { page, pageErrors };
}

/** A conversation of the demo admin (whom the pages sign in as), titled after its question. */
async function askedConversation(question: string): Promise<string> {
  const { server } = running();
  const { api } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", "demo");
  const id = `layout-${crypto.randomUUID().slice(0, 8)}`;
  const message = { id: "q1", role: "user" as const, parts: [{ type: "text" as const, text: question }] };
  const answer = await api.chat.$post({ json: { id, message } });
  expect(answer.status).toBeLessThan(300);
  await answer.text();
  return id;
}

/** Whether `testId`'s element lies wholly inside the viewport as the page is scrolled now. */
function inView(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
  });
}

describe("at phone width", () => {
  test("the chat input is in view and the conversations are a drawer with touch actions", async () => {
    const first = await askedConversation("What is the leave policy for phone users?");
    const second = await askedConversation("How are expenses filed from a phone?");
    // A new conversation: the input is in view as the page opens, nothing scrolled and nothing wider than the screen.
    const { page, pageErrors } = await openPage("#/chat", phone);
    await page.getByTestId("chat-input").waitFor();
    expect(await inView(page, "chat-input")).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.getByTestId("conversation-sidebar").isVisible()).toBe(false);

    const toggle = page.getByTestId("conversations-toggle");
    await toggle.click();
    await page.getByTestId("conversation-sidebar").waitFor({ state: "visible" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    const other = page.locator(`[data-testid="conversation-item"][data-conversation-id="${second}"]`);
    // No hover on a touch screen: Rename and Delete show for every conversation.
    await other.getByTestId("conversation-rename").waitFor({ state: "visible" });
    await other.getByTestId("conversation-delete").waitFor({ state: "visible" });

    await other.getByTestId("conversation-link").tap();
    await page.waitForURL((url) => url.hash === `#/chat/${second}`);
    await page.getByTestId("conversation-sidebar").waitFor({ state: "hidden" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    // A long answer: the input stays in view below it.
    await page.getByTestId("message-assistant").waitFor();
    expect(await inView(page, "chat-input")).toBe(true);
    // Open again, and closed by its Close button: the toggle has the focus back.
    await toggle.click();
    await page.locator(`[data-testid="conversation-item"][data-conversation-id="${first}"]`).waitFor();
    await page.getByTestId("conversations-close").tap();
    await page.getByTestId("conversation-sidebar").waitFor({ state: "hidden" });
    expect(await toggle.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("documents are cards with their actions in view", async () => {
    const { page, pageErrors } = await openPage("#/documents", phone);
    const row = page.getByTestId("document-row").first();
    await row.waitFor();
    const box = await row.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    for (const action of ["document-details", "document-delete"]) {
      const button = row.getByTestId(action);
      await button.scrollIntoViewIfNeeded();
      expect(await button.isVisible()).toBe(true);
      const buttonBox = await button.boundingBox();
      expect(buttonBox && buttonBox.x >= 0 && buttonBox.x + buttonBox.width <= 390).toBe(true);
    }
    // Nothing is wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});

describe("themes and titles", () => {
  test("the dark theme follows the system and the toggle, which is remembered", async () => {
    const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const { page: system } = await openPage("#/chat", { colorScheme: "dark" });
    await system.getByTestId("chat-input").waitFor();
    expect(await system.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    const dark = await background(system);
    await system.close();

    const { page, pageErrors } = await openPage("#/chat", { colorScheme: "light" });
    await page.getByTestId("chat-input").waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    const light = await background(page);
    expect(light).not.toBe(dark);
    const toggle = page.getByTestId("theme-toggle");
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.click();
    await expect.poll(() => background(page)).toBe(dark);
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await page.reload();
    await page.getByTestId("chat-input").waitFor();
    expect(await background(page)).toBe(dark);
    await page.getByTestId("theme-toggle").click();
    await expect.poll(() => background(page)).toBe(light);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("the tab's title follows the page and the conversation's title", async () => {
    const id = await askedConversation("Which holidays does the handbook list?");
    const { page, pageErrors } = await openPage(`#/chat/${id}`, { viewport: { width: 1280, height: 900 } });
    await expect.poll(() => page.title()).toBe("Which holidays does the handbook list? · Edge RAG chat");

    const item = page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
    await item.getByTestId("conversation-rename").click();
    await item.getByTestId("conversation-title-input").fill("Holidays");
    await item.getByTestId("conversation-title-input").press("Enter");
    await expect.poll(() => page.title()).toBe("Holidays · Edge RAG chat");

    await page.getByTestId("documents-tab").click();
    await expect.poll(() => page.title()).toBe("Documents · Edge RAG chat");
    await page.getByTestId("new-conversation").or(page.getByTestId("chat-tab")).first().click();
    await expect.poll(() => page.title()).toBe("Holidays · Edge RAG chat");
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
