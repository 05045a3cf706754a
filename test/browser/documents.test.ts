/**
 * End-to-end test of the documents page as an admin uses it, against the real app (`scripts/start.ts`) in
 * headless Chromium: upload, watch ingestion, inspect the jobs, re-ingest, delete, re-embed, and the errors
 * for a file that is not a document and for one that cannot be parsed.
 *
 * Runs in Node (not in workerd). Needs Chromium at /usr/bin/chromium (override with CHROMIUM_PATH).
 */
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { appInBrowser } from "./app-in-browser";

declare global {
  interface Window {
    /** Every status the watched document row showed, in order. */
    seenStatuses?: string[];
  }
}

const reembedAnswerSchema = z.object({ queued: z.number(), embeddingModel: z.string() });

const pngFixture = new URL("../fixtures/documents/image.png", import.meta.url);

const running = appInBrowser();

async function openDocuments(): Promise<{ page: Page; pageErrors: string[] }> {
  const { server, browser } = running();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(new URL("/#/documents", server.baseUrl).toString());
  // The seeded sample documents are listed.
  await page.getByTestId("document-row").first().waitFor();
  return { page, pageErrors };
}

/** The details panel a row's Details button opens (it names the panel in `aria-controls`). */
async function openDetails(page: Page, row: Locator): Promise<Locator> {
  const toggle = row.getByTestId("document-details");
  await toggle.click();
  const panelId = await toggle.getAttribute("aria-controls");
  if (!panelId) throw new Error("the Details button names no panel");
  const panel = page.locator(`[id="${panelId}"]`);
  await panel.getByTestId("document-job").first().waitFor();
  return panel;
}

/** The jobs in a details panel as the admin reads them: column heading (lower case) to cell text. */
function readJobs(panel: Locator): Promise<Array<Record<string, string>>> {
  return panel.locator("table.jobs-table").evaluate((table) => {
    const headings = Array.from(table.querySelectorAll("thead th"), (cell) => cell.textContent?.trim().toLowerCase());
    return Array.from(table.querySelectorAll('[data-testid="document-job"]'), (job) => {
      const cells = Array.from(job.querySelector("tr")?.children ?? [], (cell) => cell.textContent?.trim() ?? "");
      return Object.fromEntries(headings.map((heading, index) => [heading ?? "", cells[index] ?? ""]));
    });
  });
}

/** A job row of the panel, once it shows `status`. */
function jobWithStatus(panel: Locator, version: number, status: string): Locator {
  return panel
    .locator(`[data-testid="document-job"][data-version="${version}"]`)
    .filter({ has: panel.page().locator(`.status-${status}`) });
}

describe("the documents page", () => {
  test("uploads a Markdown document, shows its jobs, re-ingests it without re-embedding, and deletes it", async () => {
    const { page, pageErrors } = await openDocuments();
    const stamp = Date.now().toString(36);
    const title = `admin-upload-${stamp}`;
    await page.getByTestId("upload-input").setInputFiles({
      name: `${title}.md`,
      mimeType: "text/markdown",
      buffer: Buffer.from(
        `# Lighthouse maintenance ${stamp}\n\nThe lamp is cleaned every Monday and the lens is polished monthly.\n\n` +
          `## Fog horn\n\nThe fog horn is tested at noon on the first day of every month.\n`,
      ),
    });

    // Listed under its file name until ingested, then under its `# heading`: both carry the stamp.
    const row = page.getByTestId("document-row").filter({ hasText: stamp });
    await row
      .getByTestId("document-status")
      .filter({ hasText: /^ready$/ })
      .waitFor({ timeout: 60_000 });
    await expect(row.getByTestId("document-progress").count()).resolves.toBe(0);

    // The first version embedded every chunk.
    const panel = await openDetails(page, row);
    await jobWithStatus(panel, 1, "ready").waitFor();
    const [first] = await readJobs(panel);
    expect(first).toMatchObject({ version: "1", status: "ready", reused: "0" });
    expect(Number(first?.embedded)).toBeGreaterThan(0);
    expect(first?.chunks).toBe(first?.embedded);

    // Re-ingesting the unchanged file reuses every chunk and embeds none.
    await row.getByTestId("document-reingest").click();
    await jobWithStatus(panel, 2, "ready").waitFor({ timeout: 60_000 });
    const jobs = await readJobs(panel);
    expect(jobs.map((job) => job.version)).toEqual(["2", "1"]);
    expect(jobs[0]).toMatchObject({ status: "ready", embedded: "0", chunks: first?.chunks });
    expect(Number(jobs[0]?.reused)).toBeGreaterThan(0);
    await row
      .getByTestId("document-status")
      .filter({ hasText: /^ready$/ })
      .waitFor();
    await expect(panel.getByText(/Last ingestion: version 2, ready/).count()).resolves.toBe(1);
    await page.screenshot({ path: "/tmp/documents-admin.png", fullPage: true });

    // Delete asks first; the row then shows `deleting` until the list no longer has it.
    const documentId = await row.getAttribute("data-document-id");
    await page.evaluate((id) => {
      window.seenStatuses = [];
      new MutationObserver(() => {
        const status = document.querySelector(`[data-document-id="${id}"] [data-testid="document-status"]`);
        const text = status?.textContent ?? "";
        if (text && window.seenStatuses?.at(-1) !== text) window.seenStatuses?.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    }, documentId);
    await row.getByTestId("document-delete").click();
    await expect(row.getByTestId("document-reingest").count()).resolves.toBe(0);
    await row.getByRole("button", { name: "No", exact: true }).click();
    await row.getByTestId("document-reingest").waitFor();
    await row.getByTestId("document-delete").click();
    await row.getByTestId("document-delete-confirm").click();
    await row.waitFor({ state: "detached", timeout: 60_000 });
    await expect(page.evaluate(() => window.seenStatuses)).resolves.toContain("deleting");

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("shows why an upload was refused and why a document failed", async () => {
    const { page, pageErrors } = await openDocuments();
    const stamp = Date.now().toString(36);

    // A PNG called .md is refused by its bytes (415), and the message says what is accepted.
    await page.getByTestId("upload-input").setInputFiles({
      name: `diagram-${stamp}.md`,
      mimeType: "text/markdown",
      buffer: await readFile(pngFixture),
    });
    const refusal = page.getByTestId("upload-error").filter({ hasText: `diagram-${stamp}.md` });
    await refusal.getByText(/Unsupported file type: upload text, Markdown, HTML, PDF, DOCX, CSV or JSON/).waitFor();
    await expect(
      page
        .getByTestId("document-row")
        .filter({ hasText: `diagram-${stamp}` })
        .count(),
    ).resolves.toBe(0);

    // A file that looks like a PDF but cannot be parsed fails with a readable reason on its row.
    await page.getByTestId("upload-input").setInputFiles({
      name: `broken-${stamp}.pdf`,
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.7\nthis is not really a PDF\n"),
    });
    const row = page.getByTestId("document-row").filter({ hasText: `broken-${stamp}` });
    await row
      .getByTestId("document-status")
      .filter({ hasText: /^failed$/ })
      .waitFor({ timeout: 60_000 });
    const reason = (await row.getByTestId("document-error").textContent()) ?? "";
    expect(reason.length).toBeGreaterThan(10);
    await expect(row.getByTestId("document-error").isVisible()).resolves.toBe(true);

    // Its details show the failed job with the same reason.
    const panel = await openDetails(page, row);
    await jobWithStatus(panel, 1, "failed").waitFor();
    await panel.getByText(reason).first().waitFor();
    await page.screenshot({ path: "/tmp/documents-admin-failed.png", fullPage: true });

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  test("re-embed all says how many documents were queued", async () => {
    const { page, pageErrors } = await openDocuments();
    const answered = page.waitForResponse((response) => response.url().endsWith("/api/documents/reembed"));
    await page.getByTestId("reembed-all").click();
    const { queued, embeddingModel } = reembedAnswerSchema.parse(await (await answered).json());
    const said = queued === 0 ? "Nothing to re-embed" : `Queued ${queued} document`;
    await page.getByTestId("reembed-result").filter({ hasText: said }).filter({ hasText: embeddingModel }).waitFor();

    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
