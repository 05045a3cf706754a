/**
 * Checking an answer's sources in the browser, as a member: a citation opens its source with the heading it is under
 * and the cited sentence highlighted in the passage; the passage opens in the document view, highlighted in place
 * and scrolled into view; after Stop, only the sources the partial answer cites are marked cited.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { readBody } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";

// Slow enough that an answer is still being written when the test stops it; written live, never whole from the cache.
const running = appInBrowser({ LOCAL_ANSWER_DELAY_MS: "40", ANSWER_CACHE: "off" });

const title = "Harbour operations manual";
const fact = "The lighthouse keeper winds the Fresnel lens clockwork every ninety minutes during fog.";

// Thirty sections before the one holding the fact, so the document is many screens long.
const manual = [
  `# ${title}`,
  ...Array.from(
    { length: 30 },
    (_, index) =>
      `## Berth ${index + 1}\n\n` +
      `Berth ${index + 1} takes vessels of class ${index + 1} on weekdays. ` +
      `Mooring lines at berth ${index + 1} are inspected by the duty officer. ` +
      `Cargo cranes at berth ${index + 1} stop when the wind passes force seven.`,
  ),
  `## Fog operations\n\nThe fog horn sounds twice per minute when visibility drops. ${fact} The harbour master logs every fog watch.`,
].join("\n\n");

let memberToken = "";

beforeAll(async () => {
  const { server } = running();
  const admin = (await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", "demo")).api;
  const { documents } = await readBody(
    admin.documents.batch.$post({ json: { documents: [{ externalId: "harbour-manual", text: manual }] } }),
  );
  const id = documents[0]?.id ?? "";
  await vi.waitUntil(
    async () => (await readBody(admin.documents[":id"].$get({ param: { id } }))).document.status === "ready",
    { timeout: 60_000, interval: 250 },
  );
  memberToken = (await connectWithDevToken({ baseUrl: server.baseUrl }, "member", "demo")).token;
}, 90_000);

async function openChat(): Promise<Page> {
  const { server, browser } = running();
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.setDefaultTimeout(30_000);
  // Signed in as a member, as the app keeps its token.
  await storeToken(page, memberToken);
  await page.goto(new URL("/#/chat", server.baseUrl).toString());
  await page.waitForURL(/#\/chat\/[A-Za-z0-9_-]+$/);
  await page.getByTestId("chat-input").waitFor();
  return page;
}

async function ask(page: Page, question: string): Promise<Locator> {
  await page.getByTestId("chat-input").fill(question);
  await page.getByTestId("chat-send").click();
  const answer = page.getByTestId("message-assistant").last();
  await answer.locator(".answer-text").waitFor();
  return answer;
}

// Whether the whole element is inside the window.
function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
  });
}

describe("sources you can check", () => {
  test("a citation shows its heading and cited sentence, and opens the document scrolled to the passage", async () => {
    const page = await openChat();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    const answer = await ask(page, "How often does the lighthouse keeper wind the Fresnel lens clockwork?");
    await page.locator('[data-testid="message-assistant"][data-status="complete"]').waitFor({ timeout: 60_000 });
    const source = answer.getByTestId("source-item").filter({ hasText: title }).first();
    const index = await source.getAttribute("data-source-index");
    expect(await source.getAttribute("data-citation")).toBe("cited");

    // The citation opens its source: title, heading, the passage with the cited sentence marked.
    await answer
      .getByTestId("citation")
      .filter({ hasText: `[${index}]` })
      .first()
      .click();
    const passage = source.getByTestId("source-passage");
    await passage.waitFor({ state: "visible" });
    expect(await source.locator(".source-title").textContent()).toBe(title);
    expect(await source.getByTestId("source-location").textContent()).toBe("Fog operations");
    expect(await passage.getByTestId("cited-sentence").allTextContents()).toEqual([fact]);
    expect(await passage.textContent()).toContain("The fog horn sounds twice per minute");

    // No raw retrieval score in the chat; it is under the source's details.
    expect(await answer.getByTestId("source-score").isVisible()).toBe(false);
    expect(await answer.getByTestId("source-item").allInnerTexts()).not.toContainEqual(
      expect.stringMatching(/\d\.\d{3}/),
    );
    await source.getByText("Retrieval details").click();
    expect(await source.getByTestId("source-score").textContent()).toMatch(/^\d\.\d{3} /);
    await page.screenshot({ path: "/tmp/sources-citation.png" });

    // The document view: the document's text, the passage highlighted in place and scrolled into view.
    await source.getByTestId("source-open-document").click();
    await page.waitForURL(/#\/documents\/[^?]+\?chunk=/);
    const view = page.getByTestId("document-view");
    const cited = view.getByTestId("cited-passage");
    await cited.waitFor();
    expect(await view.getByTestId("document-title").textContent()).toBe(title);
    expect(await cited.getByTestId("cited-sentence").allTextContents()).toEqual([fact]);
    await expect.poll(() => inViewport(cited.getByTestId("cited-sentence"))).toBe(true);
    // It had to scroll: the document is several screens long and starts far above.
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await view.locator(".document-heading").allTextContents()).toContain("Fog operations");
    expect(await view.textContent()).toContain("Berth 30 takes vessels of class 30");
    await page.screenshot({ path: "/tmp/sources-document.png" });
    // The page opens a little before the passage; the text before that is read on request.
    expect(await view.textContent()).not.toContain("Berth 1 takes vessels");
    await view.getByTestId("document-earlier").click();
    await view.getByText("Berth 1 takes vessels of class 1").waitFor();
    expect(await view.getByTestId("document-earlier").count()).toBe(0);
    expect(await cited.getByTestId("cited-sentence").allTextContents()).toEqual([fact]);

    // Back to the answer.
    await view.getByRole("button", { name: "Back" }).click();
    await page.waitForURL(/#\/chat\//);
    await page.getByTestId("message-assistant").first().waitFor();

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("after Stop, only the sources the partial answer cites are marked cited", async () => {
    const page = await openChat();
    const answer = await ask(page, "What do the berths take, who inspects the mooring lines and when do cranes stop?");
    // Stop once the answer has cited its first source, while it is still being written.
    await answer.getByTestId("citation").first().waitFor();
    expect(await answer.getAttribute("data-status")).toBe("streaming");
    await page.getByTestId("chat-stop").click();
    await answer.locator('[data-answer-status="stopped"]').waitFor();

    const citedIndexes = new Set(
      (await answer.getByTestId("citation").allTextContents()).map((text) => text.replace(/\D/g, "")),
    );
    const items = answer.getByTestId("source-item");
    const marks = await items.evaluateAll((elements) =>
      elements.map((element) => [element.getAttribute("data-source-index"), element.getAttribute("data-citation")]),
    );
    expect(marks.length).toBeGreaterThan(citedIndexes.size);
    for (const [index, citation] of marks) {
      expect(citation, `source ${index}`).toBe(citedIndexes.has(index ?? "") ? "cited" : "not-cited");
    }
    expect(await answer.locator(".source-cited").count()).toBe(citedIndexes.size);
    await page.close();
  });
});
