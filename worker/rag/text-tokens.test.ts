import { describe, expect, it } from "vitest";
import { contentTerms, isStopword, stemCount, stemWord, textTerms, wordTokens } from "./text-tokens";

describe("text tokens", () => {
  it("reads lower-cased words of letters, marks and digits", () => {
    expect(wordTokens("Café déjà-vu, ＡＢＣ 42x!")).toEqual(["café", "déjà", "vu", "abc", "42x"]);
  });

  it("stems related English forms alike and leaves other words as they are", () => {
    expect(["studies", "studied", "study"].map(stemWord)).toEqual(["studi", "studi", "studi"]);
    expect(["relational", "relation", "relate"].map(stemWord)).toEqual(["relat", "relat", "relat"]);
    expect(stemWord("apply")).toBe("appli");
    expect(stemWord("straße")).toBe("straße");
  });

  it("stems a word the same however many other words were stemmed in between", () => {
    const before = contentTerms("Refunds for annual plans are accepted within 30 days of purchase.");
    for (let index = 0; index < 50_000; index++) stemWord(`word${index}ings`);
    expect(contentTerms("Refunds for annual plans are accepted within 30 days of purchase.")).toEqual(before);
    expect(before).toEqual(["refund", "annual", "plan", "accept", "within", "30", "day", "purchas"]);
  });

  it("stems a word too long to be cached as it stems a short one", () => {
    const long = `${"a".repeat(40)}ations`;
    expect(stemWord("relations")).toBe("relat");
    expect(stemWord(long)).toBe(`${"a".repeat(40)}at`);
    expect(stemWord(long)).toBe(stemWord(long));
  });

  it("reads ASCII text as the Unicode rules do", () => {
    const everyAsciiCharacter = String.fromCharCode(...Array.from({ length: 128 }, (_, code) => code));
    for (const text of [everyAsciiCharacter, "Don't re-enter: 4x4 ROUTES_v2 (a.b@c.io)\ttabs\nand\u0000nul"]) {
      // A word of another script sends the whole text down the Unicode path; its own token comes last.
      expect(wordTokens(text)).toEqual(wordTokens(`${text} é`).slice(0, -1));
    }
  });

  it("reads a text's terms as its words, stemmed, with the positions of content words and counts of stopwords", () => {
    const text = "The studies were studied, and what they study is what we were having.";
    const words = wordTokens(text);
    const terms = textTerms(text);
    expect(terms.wordCount).toBe(words.length);
    expect(terms.contentPositions.get("studi")).toEqual([1, 3, 7]);
    for (const stem of new Set(words.map(stemWord))) {
      expect(stemCount(terms, stem)).toBe(words.filter((word) => stemWord(word) === stem).length);
    }
    expect([...terms.contentPositions.keys()].sort()).toEqual([...new Set(contentTerms(text))].sort());
    expect(
      [...terms.stopwordStemCounts.keys()].every((stem) => words.some((w) => isStopword(w) && stemWord(w) === stem)),
    ).toBe(true);
    expect(textTerms(text)).toBe(terms);
  });

  it("reads a text's terms the same whether or not the cache had room for it", () => {
    const long = "Refunds are accepted. ".repeat(10_000);
    const short = "Refunds for annual plans are accepted within 30 days of purchase.";
    const first = textTerms(short);
    expect(textTerms(long).wordCount).toBe(wordTokens(long).length);
    for (let index = 0; index < 5_000; index++) textTerms(`filler text number ${index} ${"x".repeat(100)}`);
    const again = textTerms(short);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
