/**
 * Accessibility of the real app in headless Chromium: axe-core finds nothing on the chat page (answered questions
 * with a source open), the documents page, both sign-in pages and the admin pages, at desktop and phone widths in
 * both themes; citation markers and every other control are at least 24×24 px; and keyboard focus lands somewhere
 * sensible after each action.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, type SignedInBrowser, storeToken } from "./app-in-browser";
import { expectNoAxeViolations } from "./axe";
import { startNewConversation } from "./new-conversation";

declare global {
  interface Window {
    /** What took the focus, in order (test id, or tag name), since the test started recording. */
    focusTrail?: string[];
  }
}

const viewports = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Every page is checked at both widths, in the light and the dark colour scheme. */
const layouts = viewports.flatMap((viewport) =>
  (["light", "dark"] as const).map((colorScheme) => ({
    ...viewport,
    colorScheme,
    name: `${viewport.name}, ${colorScheme}`,
  })),
);

type Layout = (typeof layouts)[number];

const desktop: Layout = { ...viewports[0], colorScheme: "light", name: "desktop, light" };
const phoneLayout: Layout = { ...viewports[1], colorScheme: "dark", name: "phone, dark" };

/** A page at `url` from `browser`, signed in with `token` when given. */
async function openPage(browser: SignedInBrowser, url: string, layout: Layout, token?: string): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: layout.width, height: layout.height },
    colorScheme: layout.colorScheme,
  });
  page.setDefaultTimeout(30_000);
  if (token) await storeToken(page, token);
  await page.goto(url);
  return page;
}

/**
 * The visible controls on the page (buttons, links, form fields with their labels) smaller than 24×24 px, as
 * "text: width×height".
 * Links inside running text are exempt (WCAG 2.5.8), and so is the skip link until it takes focus.
 */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate((minimum) => {
    const controls = document.querySelectorAll<HTMLElement>("button, a[href], input, select, textarea, summary");
    return Array.from(controls).flatMap((control) => {
      if (control.closest("p, li > span, blockquote") && control.tagName === "A") return [];
      // A radio button or checkbox answers clicks on its label too: the label is its target.
      const choice = control instanceof HTMLInputElement && (control.type === "radio" || control.type === "checkbox");
      const label = choice ? control.labels?.[0] : undefined;
      const box = (label ?? control).getBoundingClientRect();
      const style = getComputedStyle(control);
      const shown = box.width > 1 && box.height > 1 && style.visibility !== "hidden";
      if (!shown || (box.width >= minimum && box.height >= minimum)) return [];
      const name =
        control.getAttribute("aria-label") ||
        control.textContent?.trim() ||
        control.dataset.testid ||
        `${control.tagName.toLowerCase()} ${control.getAttribute("type") ?? ""}`;
      return [`${name}: ${box.width.toFixed(1)}×${box.height.toFixed(1)}`];
    });
  }, 24);
}

/** Opens a new conversation, from the conversations drawer at phone width. */
async function startConversation(page: Page): Promise<void> {
  await page.getByTestId("chat-input").waitFor();
  const drawerToggle = page.getByTestId("conversations-toggle");
  if (await drawerToggle.isVisible()) await drawerToggle.click();
  await startNewConversation(page);
}

/** Asks `question` in the open conversation and waits until its answer is complete. */
async function ask(page: Page, question: string): Promise<void> {
  await page.getByTestId("chat-input").fill(question);
  await page.getByTestId("chat-send").click();
  await page.locator('[data-testid="message-assistant"][data-status="complete"] .answer-text').last().waitFor();
}

describe("with development sign-in and the sample documents", () => {
  const running = appInBrowser();

  for (const layout of layouts) {
    test(`the chat page with answers and an open source has no axe violations (${layout.name})`, async () => {
      const { server, browser } = running();
      const page = await openPage(browser, new URL("/#/chat", server.baseUrl).toString(), layout);
      await startConversation(page);
      // Two answers, each with its sources, and the conversation in the list beside them (or in the drawer).
      await ask(page, "How does Cloudflare Queues retry messages that fail?");
      await ask(page, "What does the travel policy say about hotel stays?");
      await page.getByTestId("conversation-item").first().waitFor({ state: "attached" });
      await page.getByTestId("citation").first().click();
      const openSource = page.locator('[data-testid="source-item"]:has(blockquote:visible)').first();
      await openSource.waitFor();
      // Where the page comes to rest (the click scrolls the source into view smoothly), for a check that repeats.
      await openSource.evaluate((source) => source.scrollIntoView({ block: "center", behavior: "instant" }));
      await expectNoAxeViolations(page);
      expect(await smallTargets(page)).toEqual([]);
      // At phone width, the conversations drawer open.
      const drawerToggle = page.getByTestId("conversations-toggle");
      if (await drawerToggle.isVisible()) {
        await drawerToggle.click();
        await page.getByTestId("conversation-item").first().waitFor();
        await expectNoAxeViolations(page);
        expect(await smallTargets(page)).toEqual([]);
      }
      await page.close();
    });

    test(`the development sign-in page has no axe violations (${layout.name})`, async () => {
      const { server, signedOutBrowser } = running();
      const page = await openPage(signedOutBrowser, server.baseUrl, layout);
      await page.getByTestId("sign-in-page").waitFor();
      await expectNoAxeViolations(page);
      expect(await smallTargets(page)).toEqual([]);
      await page.close();
    });

    test(`the documents page with documents has no axe violations (${layout.name})`, async () => {
      const { server, browser } = running();
      const page = await openPage(browser, new URL("/#/documents", server.baseUrl).toString(), layout);
      await page.getByTestId("document-row").first().waitFor();
      // One document's details (versions and jobs) open under its row.
      await page.getByTestId("document-details").first().click();
      await page.getByTestId("document-job").first().waitFor();
      await expectNoAxeViolations(page);
      expect(await smallTargets(page)).toEqual([]);
      await page.close();
    });
  }
  for (const adminPage of ["integrations", "audit", "collections"]) {
    test(`the ${adminPage} page has no axe violations (desktop and phone)`, async () => {
      const { server, browser } = running();
      if (adminPage === "integrations") {
        // An API key and a signing secret (the secret shown once), so that their tables are there too.
        const page = await openPage(browser, new URL("/#/integrations", server.baseUrl).toString(), desktop);
        await page.getByTestId("api-key-name").fill("axe check");
        await page.getByTestId("api-key-create").click();
        await page.getByTestId("webhook-secret-rotate").click();
        await page.getByTestId("webhook-secret-row").first().waitFor();
        await expectNoAxeViolations(page);
        await page.close();
      }
      for (const layout of [desktop, phoneLayout]) {
        const page = await openPage(browser, new URL(`/#/${adminPage}`, server.baseUrl).toString(), layout);
        await page.locator(`[data-testid="${adminPage}-tab"][aria-current="page"]`).waitFor();
        await page.locator('[aria-busy="true"], [role="status"]').first().waitFor({ state: "detached" });
        await expectNoAxeViolations(page);
        expect(await smallTargets(page)).toEqual([]);
        await page.close();
      }
    });
  }

  test("the skip link is the first stop for the keyboard, shows when focused and moves the focus to the page", async () => {
    const { server, browser } = running();
    const page = await openPage(browser, new URL("/#/documents", server.baseUrl).toString(), desktop);
    await page.getByTestId("document-row").first().waitFor();
    await page.keyboard.press("Tab");
    const skipLink = page.getByRole("link", { name: "Skip to main content" });
    expect(await skipLink.evaluate((link) => link === document.activeElement)).toBe(true);
    const box = await skipLink.boundingBox();
    expect(box !== null && box.y >= 0 && box.height >= 24).toBe(true);
    // The focus ring is drawn (2 px in the focus colour).
    expect(await skipLink.evaluate((link) => getComputedStyle(link).outlineWidth)).toBe("2px");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("MAIN");
    expect(new URL(page.url()).hash).toBe("#/documents");
    await page.close();
  });

  test("focus stays with the question: on Stop while the answer streams, then back in the question box", async () => {
    const { server, browser } = running();
    const page = await openPage(browser, new URL("/#/chat", server.baseUrl).toString(), desktop);
    await startConversation(page);
    const input = page.getByTestId("chat-input");
    await input.fill("How does Cloudflare Queues retry messages that fail?");
    await page.evaluate(() => {
      window.focusTrail = [];
      document.addEventListener("focusin", (event) => {
        if (event.target instanceof HTMLElement)
          window.focusTrail?.push(event.target.dataset.testid ?? event.target.tagName);
      });
    });
    await input.press("Enter");
    await page.locator('[data-testid="message-assistant"][data-status="complete"] .answer-text').waitFor();
    await expect.poll(() => page.evaluate(() => window.focusTrail?.at(-1))).toBe("chat-input");
    expect(await page.evaluate(() => window.focusTrail)).toEqual(["chat-stop", "chat-input"]);
    await page.close();
  });

  test("rename and delete give the focus back to their button when closed", async () => {
    const { server, browser } = running();
    const page = await openPage(browser, new URL("/#/chat", server.baseUrl).toString(), desktop);
    await startConversation(page);
    await ask(page, "What does the travel policy say about train tickets?");
    const item = page.locator(".conversation-item-current");
    const focused = (testId: string) =>
      item.getByTestId(testId).evaluate((element) => element === document.activeElement);

    await item.getByTestId("conversation-rename").click();
    expect(await focused("conversation-title-input")).toBe(true);
    await page.keyboard.press("Escape");
    expect(await focused("conversation-rename")).toBe(true);

    await item.getByTestId("conversation-delete").click();
    expect(await item.getByRole("button", { name: "Keep" }).evaluate((keep) => keep === document.activeElement)).toBe(
      true,
    );
    await page.keyboard.press("Enter");
    expect(await focused("conversation-delete")).toBe(true);
    await page.close();
  });

  test("after a conversation is deleted the focus goes to the next one, the one before, or New conversation", async () => {
    const { server, browser } = running();
    // A tenant of its own, so that the list holds only this test's conversations.
    const { token } = await connectWithDevToken(
      { baseUrl: server.baseUrl },
      "member",
      `focus-${Date.now().toString(36)}`,
    );
    const page = await openPage(browser, new URL("/#/chat", server.baseUrl).toString(), desktop, token);
    // Three conversations, listed newest first: third, second, first.
    const ids: string[] = [];
    for (const question of ["What is the hotel limit?", "How are failed messages retried?", "How do I get started?"]) {
      await startConversation(page);
      await ask(page, question);
      ids.push(decodeURIComponent(new URL(page.url()).hash.split("/").at(-1) ?? ""));
    }
    const [first, second, third] = ids;
    const item = (id: string | undefined) =>
      page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
    const focusedConversation = () =>
      page.evaluate(
        () => document.activeElement?.closest<HTMLElement>("[data-conversation-id]")?.dataset.conversationId,
      );
    async function remove(id: string | undefined) {
      // The actions of a conversation other than the open one show under the pointer.
      await item(id).hover();
      await item(id).getByTestId("conversation-delete").click();
      await item(id).getByTestId("conversation-delete-confirm").click();
      await item(id).waitFor({ state: "detached" });
    }

    await remove(second);
    await expect.poll(focusedConversation).toBe(first);
    await remove(first);
    await expect.poll(focusedConversation).toBe(third);
    // From a new, empty conversation (not listed yet), delete the last one listed.
    await startNewConversation(page);
    await remove(third);
    await expect
      .poll(() => page.getByTestId("new-conversation").evaluate((button) => button === document.activeElement))
      .toBe(true);
    await page.close();
  });
});

describe("with development sign-in off", () => {
  const running = appInBrowser({ DEV_AUTH: "false" }, { waitForSamples: false });

  for (const layout of layouts) {
    test(`the token sign-in page has no axe violations (${layout.name})`, async () => {
      const { server, browser } = running();
      const page = await openPage(browser, server.baseUrl, layout);
      await page.getByLabel("API token").waitFor();
      await expectNoAxeViolations(page);
      expect(await smallTargets(page)).toEqual([]);
      await page.close();
    });
  }
});
