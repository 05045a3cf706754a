import { describe, expect, it } from "vitest";
import { chunkDocument } from "./chunk";
import { repeatedPrefixLength } from "./chunk-overlap";

function prose(paragraphs: number): string {
  return Array.from({ length: paragraphs }, (_, paragraph) =>
    Array.from(
      { length: 6 },
      (_, sentence) => `Paragraph ${paragraph + 1} sentence ${sentence + 1} explains one more detail.`,
    ).join(" "),
  ).join("\n\n");
}

describe("repeatedPrefixLength", () => {
  it("finds the overlap the chunker gives consecutive chunks, so the section reads once", () => {
    const text = prose(8);
    const chunks = chunkDocument(
      { title: null, segments: [{ text, page: null, kind: "markdown" }] },
      { targetChars: 300, overlapChars: 120 },
    );
    expect(chunks.length).toBeGreaterThan(4);
    const repeated = chunks.map((chunk, index) =>
      index === 0 ? 0 : repeatedPrefixLength(chunks[index - 1]?.text ?? "", chunk.text),
    );
    expect(repeated.filter((length) => length > 0).length).toBeGreaterThan(2);
    const joined = chunks.map((chunk, index) => chunk.text.slice(repeated[index])).join("");
    expect(joined).toBe(text);
  });

  it("reads a section of list items once", () => {
    const items = Array.from({ length: 30 }, (_, index) => `- Item ${index + 1} names a rule worth keeping.`);
    const text = items.join("\n");
    const chunks = chunkDocument(
      { title: null, segments: [{ text, page: null, kind: "markdown" }] },
      { targetChars: 300, overlapChars: 120 },
    );
    const repeated = chunks.map((chunk, index) =>
      index === 0 ? 0 : repeatedPrefixLength(chunks[index - 1]?.text ?? "", chunk.text),
    );
    expect(repeated.filter((length) => length > 0).length).toBeGreaterThan(2);
    expect(chunks.map((chunk, index) => chunk.text.slice(repeated[index])).join("")).toBe(text);
  });

  it("is 0 without a word-aligned repeat holding a word", () => {
    expect(repeatedPrefixLength("One. Two.", "Three. Four.")).toBe(0);
    // A repeated fence or rule is structure, not overlap.
    expect(repeatedPrefixLength("code\n```", "```\nmore code\n```")).toBe(0);
    // The repeat must be whole sentences of the previous text.
    expect(repeatedPrefixLength("The story ends", "ends here and more")).toBe(0);
    // A whole chunk repeated is not an overlap with something after it.
    expect(repeatedPrefixLength("Alpha. Beta.", "Beta.")).toBe(0);
    expect(repeatedPrefixLength("", "Beta. Gamma.")).toBe(0);
    expect(repeatedPrefixLength("Alpha. Beta.", "")).toBe(0);
  });

  it("takes the longest word-aligned repeat", () => {
    expect(repeatedPrefixLength("Intro. Beta one. Beta one.", "Beta one. Beta one. Then more.")).toBe(
      "Beta one. Beta one.".length,
    );
  });

  it("handles repetitive text", () => {
    const sentence = "Go on. ";
    const previous = `Start. ${sentence.repeat(20_000)}`.trim();
    const next = `${sentence.repeat(20_000)}End.`;
    expect(repeatedPrefixLength(previous, next)).toBe(sentence.length * 20_000 - 1);
    expect(repeatedPrefixLength(" ".repeat(50_000), " ".repeat(50_000))).toBe(0);
  });
});
