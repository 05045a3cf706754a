import { describe, expect, it } from "vitest";
import { contentTerms, stemWord, wordTokens } from "./text-tokens";

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
});
