/**
 * axe-core in a page of the app, for browser tests: `expectNoAxeViolations(page)` fails with every rule the page breaks
 * (WCAG 2.2 A and AA, plus axe's best practices), naming the elements and what is wrong with them.
 *
 * The app's Content-Security-Policy refuses inline scripts, so axe is not added as a `<script>`: its source is
 * evaluated through the DevTools protocol (`page.evaluate`), which the policy does not govern, and the page keeps its
 * real policy while axe checks it.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AxeResults, Result, RunOptions } from "axe-core";
import type { Page } from "playwright-core";
import { expect } from "vitest";

declare global {
  interface Window {
    /** axe-core, once `axeViolations` has loaded it into the page. */
    axe?: { run(context: Document, options: RunOptions): Promise<AxeResults> };
  }
}

const axeSource = readFile(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The rules the app is held to. `target-size` is WCAG 2.2 AA (24×24 px); best practices include landmark names. */
const runOptions: RunOptions = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
  resultTypes: ["violations"],
};

/** Runs axe on the page as it is now and answers its violations. */
export async function axeViolations(page: Page): Promise<Result[]> {
  if (!(await page.evaluate(() => window.axe !== undefined))) await page.evaluate(await axeSource);
  const results = await page.evaluate((options) => {
    if (!window.axe) throw new Error("axe-core did not load");
    return window.axe.run(document, options);
  }, runOptions);
  return results.violations;
}

/** One line per violating element: the rule, its impact, the element's selector and axe's summary of the failure. */
export function describeViolations(violations: Result[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact ?? "?"}) ${node.target.join(" ")}: ${node.failureSummary?.replaceAll("\n", " ") ?? violation.help}`,
    ),
  );
}

/** Fails the test with a readable list when axe finds anything on the page as it is now. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}
