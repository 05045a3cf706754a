import { describe, expect, it } from "vitest";
import { chunkDocument, type DocumentChunk } from "./chunk";

function sentences(count: number, prefix = "Sentence"): string {
  return Array.from({ length: count }, (_, index) => `${prefix} number ${index + 1} says something useful.`).join(" ");
}

function expectOrdinals(chunks: DocumentChunk[]): void {
  expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, index) => index));
}

describe("chunkDocument", () => {
  it("returns no chunks for empty or heading-only input", () => {
    expect(chunkDocument("")).toEqual([]);
    expect(chunkDocument(" \n\n\t\n")).toEqual([]);
    expect(chunkDocument("# Title\n\n## Section\n\n---\n")).toEqual([]);
    expect(chunkDocument("", { contentType: "text/plain" })).toEqual([]);
  });

  it("tracks heading paths and keeps headings out of the text", () => {
    const markdown = [
      "Preamble before any heading.",
      "# Guide",
      "Welcome to the guide.",
      "## Install",
      "General notes.",
      "### Linux ###",
      "Use the package manager.",
      "### macOS",
      "Use Homebrew.",
      "## Usage",
      "Run it.",
      "Setext Title\n============",
      "Under a setext heading.",
      "Sub\n---",
      "Under a setext subheading.",
      "---",
    ].join("\n\n");
    const chunks = chunkDocument(markdown);
    expect(chunks.map(({ headingPath, text }) => [headingPath, text])).toEqual([
      ["", "Preamble before any heading."],
      ["Guide", "Welcome to the guide."],
      ["Guide > Install", "General notes."],
      ["Guide > Install > Linux", "Use the package manager."],
      ["Guide > Install > macOS", "Use Homebrew."],
      ["Guide > Usage", "Run it."],
      ["Setext Title", "Under a setext heading."],
      ["Setext Title > Sub", "Under a setext subheading."],
    ]);
    expectOrdinals(chunks);
  });

  it("does not treat # lines inside fenced code as headings", () => {
    const markdown = "# Setup\n\n```sh\n# install dependencies\nnpm install\n```\n\nDone.";
    const chunks = chunkDocument(markdown);
    expect(chunks).toEqual([
      { ordinal: 0, headingPath: "Setup", text: "```sh\n# install dependencies\nnpm install\n```\n\nDone." },
    ]);
  });

  it("packs small blocks together up to the target size", () => {
    const markdown = "# A\n\nOne.\n\n- item one\n- item two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\nTwo.";
    expect(chunkDocument(markdown)).toEqual([
      {
        ordinal: 0,
        headingPath: "A",
        text: "One.\n\n- item one\n- item two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\nTwo.",
      },
    ]);
  });

  it("keeps a big block with the text that introduces it rather than repeating that text as overlap", () => {
    const table = [
      "| key | meaning |",
      "| --- | --- |",
      ...Array.from({ length: 30 }, (_, index) => `| k${index} | v${index} |`),
    ];
    const introduction = "The keys are listed below. Each one has a meaning.";
    const chunks = chunkDocument(`${introduction}\n\n${table.join("\n")}`, { targetChars: 300, maxChars: 800 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([`${introduction}\n\n${table.join("\n")}`]);
  });

  it("does not end sentences at ordered-list markers", () => {
    const items = Array.from({ length: 12 }, (_, index) => `${index + 1}. Step ${index + 1} does one thing.`);
    const chunks = chunkDocument(items.join("\n"), { targetChars: 100, overlapChars: 40 });
    for (const chunk of chunks) expect(chunk.text).not.toMatch(/(^|\n)\d+\.$/);
    // The overlap is the whole last item of the previous chunk, marker included.
    expect(chunks[1]?.text).toBe([items[2], items[3], items[4]].join("\n"));
  });

  it("repeats whole sentences of the previous chunk as a bounded overlap", () => {
    const markdown = `# Topic\n\n${sentences(12)}\n\n${sentences(12, "Claim")}\n\n# Other\n\n${sentences(12, "Point")}`;
    const chunks = chunkDocument(markdown, { targetChars: 300, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(4);
    expectOrdinals(chunks);
    let overlaps = 0;
    for (let index = 1; index < chunks.length; index += 1) {
      const previous = chunks[index - 1];
      const current = chunks[index];
      if (!previous || !current) throw new Error("missing chunk");
      expect(current.text.length).toBeLessThanOrEqual(600);
      if (previous.headingPath !== current.headingPath) {
        expect(longestSuffixPrefix(previous.text, current.text)).toBe("");
        continue;
      }
      const overlap = longestSuffixPrefix(previous.text, current.text);
      expect(overlap.length).toBeGreaterThan(0);
      expect(overlap.length).toBeLessThanOrEqual(100);
      // Whole sentences: the overlap starts a sentence.
      expect(overlap).toMatch(/^(Sentence|Claim|Point) number \d+/);
      overlaps += 1;
    }
    expect(overlaps).toBeGreaterThan(2);
  });

  it("splits a long paragraph at sentence boundaries", () => {
    const paragraph = sentences(30);
    const chunks = chunkDocument(paragraph, { targetChars: 200, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(200);
      expect(chunk.text).toMatch(/^Sentence number \d+ says something useful\./);
      expect(chunk.text).toMatch(/says something useful\.$/);
    }
    expect(chunks.map((chunk) => chunk.text).join(" ")).toBe(paragraph);
  });

  it("does not treat abbreviations followed by lower case as sentence ends", () => {
    const text = `${"Filler words here. ".repeat(8)}Use tools, e.g. a linter, to check. ${"More filler. ".repeat(8)}`;
    const chunks = chunkDocument(text, { targetChars: 120, overlapChars: 0 });
    expect(chunks.some((chunk) => chunk.text.includes("Use tools, e.g. a linter, to check."))).toBe(true);
  });

  it("keeps a code block whole even when it exceeds the target size", () => {
    const code = `\`\`\`ts\n${Array.from({ length: 20 }, (_, index) => `const value${index} = compute(${index});`).join("\n")}\n\`\`\``;
    expect(code.length).toBeGreaterThan(500);
    const markdown = `# Code\n\n${sentences(6)}\n\n${code}\n\n${sentences(6, "After")}`;
    const chunks = chunkDocument(markdown, { targetChars: 400, overlapChars: 80, maxChars: 1000 });
    const holding = chunks.filter((chunk) => chunk.text.includes("const value0"));
    expect(holding).toHaveLength(1);
    expect(holding[0]?.text).toContain(code);
    expect(chunks.filter((chunk) => chunk.text.includes("const value19"))).toHaveLength(1);
  });

  it("splits a code block larger than maxChars on line boundaries, re-fencing every piece", () => {
    const lines = Array.from({ length: 60 }, (_, index) => `line ${index}: ${"x".repeat(20)}`);
    const code = `\`\`\`python\n${lines.join("\n")}\n\`\`\``;
    const chunks = chunkDocument(code, { targetChars: 300, overlapChars: 0, maxChars: 600 });
    expect(chunks.length).toBeGreaterThan(2);
    const recovered: string[] = [];
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(300);
      expect(chunk.text.startsWith("```python\n")).toBe(true);
      expect(chunk.text.endsWith("\n```")).toBe(true);
      recovered.push(...chunk.text.split("\n").slice(1, -1));
    }
    expect(recovered).toEqual(lines);
  });

  it("keeps a table whole, and repeats the header when one must be split", () => {
    const rows = Array.from({ length: 40 }, (_, index) => `| row ${index} | value ${index} |`);
    const table = ["| name | value |", "| --- | --- |", ...rows].join("\n");
    // The short intro would be repeated in full as overlap, so it joins the table instead of standing alone.
    const whole = chunkDocument(`Intro.\n\n${table}`, { targetChars: 300, maxChars: 2000 });
    expect(whole.map((chunk) => chunk.text)).toEqual([`Intro.\n\n${table}`]);

    const split = chunkDocument(table, { targetChars: 300, overlapChars: 0, maxChars: 600 });
    expect(split.length).toBeGreaterThan(1);
    for (const chunk of split) expect(chunk.text.startsWith("| name | value |\n| --- | --- |\n| row")).toBe(true);
    expect(split.flatMap((chunk) => chunk.text.split("\n").slice(2))).toEqual(rows);
  });

  it("splits a long list between items", () => {
    const items = Array.from({ length: 30 }, (_, index) => `- Item ${index} has a short description.`);
    const chunks = chunkDocument(`# List\n\n${items.join("\n")}`, { targetChars: 250, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flatMap((chunk) => chunk.text.split("\n"))).toEqual(items);
  });

  it("hard-splits text without any sentence or word boundary", () => {
    const word = "a".repeat(450);
    const chunks = chunkDocument(word, { targetChars: 200, overlapChars: 0 });
    expect(chunks.map((chunk) => chunk.text.length)).toEqual([200, 200, 50]);
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(word);
  });

  it("chunks plain text by paragraphs and sentences, without Markdown structure", () => {
    const text = `# not a heading\n\nFirst paragraph.\r\n\r\n${sentences(10)}`;
    const chunks = chunkDocument(text, {
      contentType: "text/plain; charset=utf-8",
      targetChars: 200,
      overlapChars: 60,
    });
    expect(chunks[0]?.text).toMatch(/^# not a heading\n\nFirst paragraph\.\n\nSentence number 1 /);
    expect(chunks.every((chunk) => chunk.headingPath === "")).toBe(true);
    expect(chunks.every((chunk) => chunk.text.length <= 200 + 60)).toBe(true);
    expectOrdinals(chunks);
  });

  it("never produces empty chunks or chunks above maxChars", () => {
    const markdown = [
      "# Mixed",
      sentences(40),
      "```",
      "y".repeat(3000),
      "```",
      "## Deeper",
      `- ${sentences(20)}`,
      "- short",
      "",
      "Trailing words.",
    ].join("\n\n");
    const chunks = chunkDocument(markdown, { targetChars: 500, overlapChars: 100, maxChars: 800 });
    expectOrdinals(chunks);
    for (const chunk of chunks) {
      expect(chunk.text.trim().length).toBeGreaterThan(0);
      expect(chunk.text.length).toBeLessThanOrEqual(800);
    }
  });

  it("rejects inconsistent options", () => {
    expect(() => chunkDocument("text", { targetChars: 0 })).toThrow(RangeError);
    expect(() => chunkDocument("text", { targetChars: 500, maxChars: 400 })).toThrow(RangeError);
    expect(() => chunkDocument("text", { targetChars: 100, overlapChars: 100 })).toThrow(RangeError);
  });
});

/** The longest suffix of `previous` that `current` starts with. */
function longestSuffixPrefix(previous: string, current: string): string {
  for (let length = Math.min(previous.length, current.length); length > 0; length -= 1) {
    if (current.startsWith(previous.slice(-length))) return previous.slice(-length);
  }
  return "";
}
