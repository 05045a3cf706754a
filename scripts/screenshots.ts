/**
 * `npm run screenshots`: the pages a user sees, as PNGs in `docs/screenshots/` for the README. Starts the app on fresh
 * local state (which seeds the sample documents), adds a document with a table, signs in and asks a question in
 * headless Chromium, and photographs the sign-in page, the chat, an open citation, the documents page and an admin
 * page at desktop (1280×800) and phone (390×844) width. Only the viewport is photographed, so each file stays small.
 * Runs in Node; needs Chromium (/usr/bin/chromium, or CHROMIUM_PATH).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { readBody } from "../client/api-client.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { listAllDocuments } from "../client/list-documents.ts";
import { launchChromium } from "../test/support/chromium.ts";
import { projectRoot, startServer } from "./lib/app-server.ts";
import { demoTenant } from "./seed-samples.ts";

const outputFolder = join(projectRoot, "docs", "screenshots");

const viewports = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "phone", width: 390, height: 844 },
] as const;

const question = "What are the expense limits for hotels and meals?";

/** A document whose answer shows a Markdown table and a code block once answers render Markdown. */
const expensesDocument = {
  externalId: "screenshots/expense-limits.md",
  title: "Expense limits",
  contentType: "text/markdown" as const,
  text: `# Expense limits

Employees book travel through the company portal. The limits below apply per night or per day.

| Expense | Limit | Receipt needed |
| --- | --- | --- |
| Hotel, per night | 180 EUR | yes |
| Meals, per day | 60 EUR | over 25 EUR |
| Train, per trip | second class | yes |

Claims are filed within 30 days with the \`expense-claim\` form.
`,
};

/** Photographs what `page` shows now as `<name>-<viewport>.png`. */
async function capture(page: Page, name: string, viewport: string): Promise<void> {
  const path = join(outputFolder, `${name}-${viewport}.png`);
  await page.screenshot({ path });
  console.log(`Saved ${path}`);
}

async function photographViewport(
  browser: Browser,
  baseUrl: string,
  token: string,
  viewport: (typeof viewports)[number],
) {
  const page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
  page.setDefaultTimeout(60_000);
  const open = (hash: string) => page.goto(new URL(`/${hash}`, baseUrl).toString());

  await open("");
  await page.getByTestId("sign-in-page").waitFor();
  await capture(page, "sign-in", viewport.name);
  // Signed in as the demo tenant's admin from here on, as the sign-in page would leave it.
  await page.addInitScript((stored) => window.localStorage.setItem("edge-rag-chat.token", stored), token);
  await page.reload();

  await open("#/chat");
  await page.getByTestId("chat-input").waitFor();
  // At phone width the conversations, and New conversation, are in a drawer.
  const drawerToggle = page.getByTestId("conversations-toggle");
  if (await drawerToggle.isVisible()) await drawerToggle.click();
  await page.getByTestId("new-conversation").click();
  await page.getByTestId("chat-input").fill(question);
  await page.getByTestId("chat-send").click();
  await page.locator('[data-testid="message-assistant"][data-status="complete"] .answer-text').waitFor();
  await page.getByTestId("chat-input").blur();
  await capture(page, "chat", viewport.name);

  await page.getByTestId("citation").first().click();
  const openSource = page.locator('[data-testid="source-item"] blockquote').first();
  await openSource.waitFor({ state: "visible" });
  await openSource.scrollIntoViewIfNeeded();
  await capture(page, "citation", viewport.name);

  await page.getByTestId("source-open-document").first().click();
  await page.getByTestId("cited-passage").waitFor({ state: "visible" });
  await page.getByTestId("cited-passage").scrollIntoViewIfNeeded();
  await capture(page, "document-view", viewport.name);

  await open("#/documents");
  await page.getByTestId("document-row").first().waitFor();
  await capture(page, "documents", viewport.name);

  await open("#/integrations");
  await page.getByTestId("api-key-name").waitFor();
  await capture(page, "admin", viewport.name);
  await page.close();
}

const server = await startServer();
try {
  const { api, token } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", demoTenant);
  await readBody(api.documents.batch.$post({ json: { documents: [expensesDocument] } }));
  await waitUntilReady(async () => {
    const documents = await listAllDocuments(api);
    const added = documents.find((document) => document.title === expensesDocument.title);
    if (added?.status === "failed") throw new Error(`"${added.title}" failed to ingest: ${added.error}`);
    return added?.status === "ready";
  });

  await mkdir(outputFolder, { recursive: true });
  const browser = await launchChromium();
  try {
    for (const viewport of viewports) await photographViewport(browser, server.baseUrl, token, viewport);
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}

/** Polls `ready` every half second until it answers true; gives up after two minutes. */
async function waitUntilReady(ready: () => Promise<boolean>): Promise<void> {
  const giveUpAt = Date.now() + 120_000;
  while (!(await ready())) {
    if (Date.now() > giveUpAt) throw new Error("the added document was not ready within two minutes");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
