/**
 * The documents page as an admin uses it to add documents and ask about one, against the real app in headless
 * Chromium: two files dropped at once, each with its progress bar, titled by their `# heading`; a title edited in
 * place; "Ask about this document" restricting the answer's sources to it until the chip is removed.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { appInBrowser, storeToken } from "./app-in-browser";

const running = appInBrowser();

const chatBodySchema = z.object({
  filter: z.object({ documentIds: z.array(z.string()).optional(), collection: z.string().optional() }).optional(),
});

/** A page signed in as an admin of a tenant of its own, so only this test's documents are listed. */
async function openAsAdmin(hash: string): Promise<{ page: Page; pageErrors: string[] }> {
  const { server, browser } = running();
  const { token } = await connectWithDevToken(
    { baseUrl: server.baseUrl },
    "admin",
    `up-${crypto.randomUUID().slice(0, 8)}`,
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await storeToken(page, token);
  await page.goto(new URL(`/${hash}`, server.baseUrl).toString());
  return { page, pageErrors };
}

/** Drops files on the drop zone as the browser does: a drop event carrying a DataTransfer with the files. */
async function dropFiles(page: Page, files: Array<{ name: string; type: string; text: string }>): Promise<void> {
  await page.getByTestId("drop-zone").evaluate((zone, dropped) => {
    const dataTransfer = new DataTransfer();
    for (const file of dropped) dataTransfer.items.add(new File([file.text], file.name, { type: file.type }));
    for (const type of ["dragenter", "dragover", "drop"]) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true }));
    }
  }, files);
}

describe("adding documents and asking about one", () => {
  test("two dropped files upload with a progress bar each, get their heading as title, one is renamed, and their collection is asked about", async () => {
    const { page, pageErrors } = await openAsAdmin("#/documents");
    const stamp = Date.now().toString(36);
    await page.getByTestId("upload-collection").fill(`manuals-${stamp}`);
    await dropFiles(page, [
      {
        name: `keeper-${stamp}.md`,
        type: "text/markdown",
        text: `# Lamp keeping ${stamp}\n\nThe keeper cleans the lamp on Mondays.\n`,
      },
      {
        name: `horn-${stamp}.md`,
        type: "text/markdown",
        text: `# Fog horn ${stamp}\n\nThe fog horn is tested at noon.\n`,
      },
    ]);

    // Each file has its own bar, full once its bytes are sent.
    for (const name of [`keeper-${stamp}.md`, `horn-${stamp}.md`]) {
      const entry = page.locator(`[data-testid="upload-file"][data-file-name="${name}"]`);
      await entry.and(page.locator('[data-status="uploaded"]')).waitFor();
      const bar = entry.getByTestId("upload-progress");
      await expect(bar.evaluate((progress: HTMLProgressElement) => progress.value === progress.max)).resolves.toBe(
        true,
      );
    }

    // Listed under their `# heading` once ingested, in the collection given.
    const rows = page.getByTestId("document-row");
    for (const title of [`Lamp keeping ${stamp}`, `Fog horn ${stamp}`]) {
      const row = rows.filter({ has: page.getByTestId("document-title").getByText(title, { exact: true }) });
      await row
        .getByTestId("document-status")
        .filter({ hasText: /^ready$/ })
        .waitFor({ timeout: 60_000 });
      await row.getByText(`manuals-${stamp}`).waitFor();
    }

    // Renamed in place: the new title is indexed, and stays after a reload.
    const horn = rows.filter({ hasText: `Fog horn ${stamp}` });
    const hornId = await horn.getAttribute("data-document-id");
    await horn.getByTestId("document-rename").click();
    await horn.getByTestId("document-title-input").fill(`Horn drill ${stamp}`);
    await horn.getByTestId("document-title-save").click();
    const renamed = page.locator(`[data-testid="document-row"][data-document-id="${hornId}"]`);
    await renamed.getByTestId("document-title").getByText(`Horn drill ${stamp}`, { exact: true }).waitFor();
    await renamed
      .getByTestId("document-status")
      .filter({ hasText: /^ready$/ })
      .waitFor({ timeout: 60_000 });
    await page.reload();
    await renamed.getByTestId("document-title").getByText(`Horn drill ${stamp}`, { exact: true }).waitFor();
    await page.screenshot({ path: "/tmp/documents-upload.png", fullPage: true });

    // The collection they went into can be asked about too, from the Collections page.
    await page.goto(new URL("#/collections", page.url()).toString());
    await page
      .locator(`[data-testid="collection-row"][data-collection="manuals-${stamp}"]`)
      .getByTestId("collection-ask")
      .click();
    await page.getByTestId("scope-chip").getByText(`Asking about: manuals-${stamp} (collection)`).waitFor();
    const asked = page.waitForRequest((request) => request.url().endsWith("/api/chat") && request.method() === "POST");
    await page.getByTestId("chat-input").fill("When is the fog horn tested?");
    await page.getByTestId("chat-send").click();
    expect(chatBodySchema.parse((await asked).postDataJSON()).filter).toEqual({ collection: `manuals-${stamp}` });
    const sources = page.getByTestId("message-assistant").last().getByTestId("source-item");
    await sources.first().waitFor();
    await expect(sources.first().textContent()).resolves.toContain(`Horn drill ${stamp}`);

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("a refused file shows why and the others still upload", async () => {
    const { page, pageErrors } = await openAsAdmin("#/documents");
    const stamp = Date.now().toString(36);
    await dropFiles(page, [
      { name: `binary-${stamp}.md`, type: "text/markdown", text: "\u0000\u0001\u0002PNG not text" },
      { name: `fine-${stamp}.md`, type: "text/markdown", text: `# Fine ${stamp}\n\nA fine document.\n` },
    ]);
    await page
      .locator(`[data-testid="upload-error"][data-file-name="binary-${stamp}.md"]`)
      .getByRole("alert")
      .waitFor();
    await page
      .locator(`[data-testid="upload-file"][data-file-name="fine-${stamp}.md"][data-status="uploaded"]`)
      .waitFor();
    await page
      .getByTestId("document-row")
      .filter({ hasText: `Fine ${stamp}` })
      .waitFor();
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("Ask about this document restricts the answer's sources to it, until the chip is removed", async () => {
    const { page, pageErrors } = await openAsAdmin("#/documents");
    const stamp = Date.now().toString(36);
    const lamp = `Lamp rota ${stamp}`;
    const lens = `Lens care ${stamp}`;
    await dropFiles(page, [
      {
        name: "lamp.md",
        type: "text/markdown",
        text: `# ${lamp}\n\nThe lighthouse keeper cleans the lamp every Monday.\n`,
      },
      {
        name: "lens.md",
        type: "text/markdown",
        text: `# ${lens}\n\nThe lighthouse keeper polishes the lens every Friday.\n`,
      },
    ]);
    const lampRow = page.getByTestId("document-row").filter({ hasText: lamp });
    const lensRow = page.getByTestId("document-row").filter({ hasText: lens });
    for (const row of [lampRow, lensRow]) {
      await row
        .getByTestId("document-status")
        .filter({ hasText: /^ready$/ })
        .waitFor({ timeout: 60_000 });
    }
    const lampId = await lampRow.getAttribute("data-document-id");

    await lampRow.getByTestId("document-ask").click();
    await page.waitForURL(/#\/chat\/c-/);
    await page.getByTestId("scope-chip").getByText(`Asking about: ${lamp}`).waitFor();

    const question = "What does the lighthouse keeper do every week?";
    const asked = page.waitForRequest((request) => request.url().endsWith("/api/chat") && request.method() === "POST");
    await page.getByTestId("chat-input").fill(question);
    await page.getByTestId("chat-send").click();
    expect(chatBodySchema.parse((await asked).postDataJSON()).filter).toEqual({ documentIds: [lampId] });
    const answer = page.getByTestId("message-assistant").last();
    await answer.getByTestId("source-item").first().waitFor();
    await page.getByTestId("chat-input").and(page.locator(":enabled")).waitFor();
    const restricted = await answer.getByTestId("source-item").allTextContents();
    expect(restricted.every((source) => source.includes(lamp))).toBe(true);

    // The chip stays after a reload; removed, the next question is asked of every document again.
    await page.reload();
    await page.getByTestId("scope-chip-remove").click();
    await expect(page.getByTestId("scope-chip").count()).resolves.toBe(0);
    const unrestricted = page.waitForRequest(
      (request) => request.url().endsWith("/api/chat") && request.method() === "POST",
    );
    await page.getByTestId("chat-input").fill(question);
    await page.getByTestId("chat-send").click();
    expect(chatBodySchema.parse((await unrestricted).postDataJSON()).filter).toBeUndefined();
    const second = page.getByTestId("message-assistant").nth(1);
    await second.getByTestId("source-item").first().waitFor();
    await page.getByTestId("chat-input").and(page.locator(":enabled")).waitFor();
    const everywhere = await second.getByTestId("source-item").allTextContents();
    expect(everywhere.some((source) => source.includes(lens))).toBe(true);

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
