import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk";
import { parseHtml } from "./html";
import { parseDocument } from "./parse-document";
import { testFixtures } from "./test-fixtures";

describe("parseHtml", () => {
  it("keeps the main article as Markdown and drops the page chrome", async () => {
    const parsed = await parseDocument(testFixtures["article.html"], "text/html");
    expect(parsed.title).toBe("Caring for Cast Iron — Kitchen Notes");
    expect(parsed.segments).toHaveLength(1);
    const markdown = parsed.segments[0]?.text ?? "";
    expect(parsed.segments[0]?.kind).toBe("markdown");
    for (const dropped of [
      "TRACKING_SCRIPT_TEXT",
      "font-family",
      "SITE_HEADER_TEXT",
      "NAV_LINK_TEXT",
      "ROLE_NAVIGATION_TEXT",
      "HIDDEN_TEXT",
      "ASIDE_PROMO_TEXT",
      "SITE_FOOTER_TEXT",
    ]) {
      expect(markdown).not.toContain(dropped);
    }
    expect(markdown).toContain(
      "# Caring for Cast Iron\n\nA cast iron pan lasts for generations if you look after it. Here is how we season, clean and store ours & why it matters.\n\n## Seasoning",
    );
    expect(markdown).toContain(
      [
        "1. Wash and dry the pan completely.",
        "2. Rub a very thin layer of oil over every surface.",
        "   - Flaxseed oil gives the hardest finish.",
        "   - Vegetable oil works fine.",
        "3. Bake upside down at 230 °C for one hour.",
      ].join("\n"),
    );
    expect(markdown).toContain(
      [
        "| Oil | Smoke point | Finish |",
        "| --- | --- | --- |",
        "| Flaxseed | 107 °C | Hard, can flake |",
        "| Canola | 204 °C | Even |",
        "| Lard | 188 °C | Soft \\| traditional |",
      ].join("\n"),
    );
    expect(markdown).toContain(
      "```python\ndef dry(pan):\n    pan.heat(minutes=2)  # drive off the last water\n    return pan\n```",
    );
  });

  it("chunks the article along its headings", async () => {
    const parsed = await parseDocument(testFixtures["article.html"], "text/html");
    const chunks = chunkDocument(parsed, { targetChars: 400 });
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      "Caring for Cast Iron",
      "Caring for Cast Iron > Seasoning",
      "Caring for Cast Iron > Oils compared",
      "Caring for Cast Iron > Cleaning",
    ]);
    expect(chunks[2]?.text).toMatch(/^\| Oil \| Smoke point \| Finish \|\n/);
    expect(chunks[3]?.text).toContain("# drive off the last water");
    expect(chunks.every((chunk) => chunk.page === null)).toBe(true);
  });

  it("falls back to the body, dropping its header and footer, and to the first h1 for the title", () => {
    const parsed = parseHtml(
      "<body><header>Site name</header><h1>Release &amp; notes</h1><p>Line one<br>line  two</p>" +
        '<p style="display: none">invisible</p><div aria-hidden="true">decor</div><footer>Contact</footer></body>',
    );
    expect(parsed).toEqual({
      title: "Release & notes",
      segments: [{ text: "# Release & notes\n\nLine one\nline two", page: null, kind: "markdown" }],
    });
  });

  it("reads every article when the page has several and no main", () => {
    const parsed = parseHtml(
      "<nav>Menu</nav><article><header><h2>First</h2></header><p>One.</p></article>" +
        "<div>Between</div><article><h2>Second</h2><p>Two.</p><footer>Tags: a</footer></article>",
    );
    expect(parsed.title).toBe(null);
    expect(parsed.segments[0]?.text).toBe("## First\n\nOne.\n\n## Second\n\nTwo.\n\nTags: a");
  });

  it("handles implicitly closed elements, inline code, and text mixed with blocks", () => {
    const parsed = parseHtml(
      "<main>Intro text<p>Run <code>npm test</code> first<p>Second paragraph<ul><li>one<li>two</ul>" +
        "<table><tr><td>a<td colspan=2>b<tr><td>1<td>2<td>3</table></main>",
    );
    expect(parsed.segments[0]?.text).toBe(
      [
        "Intro text",
        "Run `npm test` first",
        "Second paragraph",
        "- one\n- two",
        "| a | b |   |\n| --- | --- | --- |\n| 1 | 2 | 3 |",
      ].join("\n\n"),
    );
  });

  it("reads a fragment without a body, however deeply nested", () => {
    expect(parseHtml("<p>Just a fragment</p>").segments[0]?.text).toBe("Just a fragment");
    const deep = `<section><h2>Top</h2>${"<div><b>".repeat(20000)}<p>deep text</p><ul><li>item</li></ul>`;
    expect(parseHtml(deep).segments[0]?.text).toBe("## Top\n\ndeep text item");
  });

  it("returns no segments for a page without content", () => {
    expect(parseHtml("<html><head><title>Empty</title></head><body><script>x()</script></body></html>")).toEqual({
      title: "Empty",
      segments: [],
    });
  });
});
