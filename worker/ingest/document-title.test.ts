import { describe, expect, it } from "vitest";
import { maxTitleLength } from "../contract";
import { fitTitle, keepsTitle, titleFromFilename } from "./document-title";

describe("titles from file names and from files", () => {
  it("takes the last path segment without its extension", () => {
    expect(titleFromFilename("handbook.md")).toBe("handbook");
    expect(titleFromFilename("guides/setup.md")).toBe("setup");
    expect(titleFromFilename("C:\\docs\\Quarterly report.final.pdf")).toBe("Quarterly report.final");
    expect(titleFromFilename("README")).toBe("README");
    expect(titleFromFilename(".env")).toBe(".env");
    expect(titleFromFilename("\u0000\u0001.md")).toBe(".md");
    expect(titleFromFilename("\u0000")).toBe("Untitled document");
  });

  it("removes control characters instead of storing them", () => {
    expect(titleFromFilename("bad\u0000name\u001b.md")).toBe("badname");
    expect(fitTitle("  Line one\nLine two\t ")).toBe("Line one Line two");
    expect(fitTitle("\u0000\n ")).toBeNull();
  });

  it("shortens a 5,000-character file name at a word boundary, with an ellipsis, within the limit", () => {
    const words = Array.from({ length: 1000 }, (_, index) => `word${index}`).join(" ");
    const title = titleFromFilename(`${words}.md`);
    expect(title.length).toBeLessThanOrEqual(maxTitleLength);
    expect(title.length).toBeGreaterThan(maxTitleLength * 0.8);
    expect(title.endsWith("…")).toBe(true);
    // Only whole words before the ellipsis.
    expect(words.startsWith(title.slice(0, -1))).toBe(true);
    expect(words.charAt(title.length - 1)).toBe(" ");
  });

  it("cuts a name without spaces at a character, never inside a surrogate pair or before an accent", () => {
    const emoji = titleFromFilename(`${"🙂".repeat(3000)}.md`);
    expect(emoji.length).toBeLessThanOrEqual(maxTitleLength);
    expect(emoji).toBe(`${"🙂".repeat((maxTitleLength - 2) / 2)}…`);

    const accented = fitTitle("e\u0301".repeat(600));
    expect(accented?.length).toBeLessThanOrEqual(maxTitleLength);
    // Every "e" keeps its combining accent.
    expect(accented?.slice(0, -1)).toMatch(/^(e\u0301)+$/);
  });

  it("keeps short titles as they are", () => {
    expect(fitTitle("x".repeat(maxTitleLength))).toBe("x".repeat(maxTitleLength));
    expect(fitTitle("x".repeat(maxTitleLength + 1))).toBe(`${"x".repeat(maxTitleLength - 1)}…`);
  });
});

describe("whether a re-submitted document keeps its title", () => {
  it("needs the same explicit title to stay explicit", () => {
    const named = { title: "Handbook", titleSource: "explicit" as const };
    expect(keepsTitle(named, { title: "Handbook" })).toBe(true);
    expect(keepsTitle(named, { title: "Handbook", titleSource: "explicit" })).toBe(true);
    expect(keepsTitle(named, { title: "Guide" })).toBe(false);
    // Without a title, the file decides again, which is a change.
    expect(keepsTitle(named, { title: "Handbook", titleSource: "filename" })).toBe(false);
  });

  it("leaves the title the file declared while the submitter gives none", () => {
    const declared = { title: "Employee Handbook", titleSource: "document" as const };
    expect(keepsTitle(declared, { title: "handbook", titleSource: "filename" })).toBe(true);
    expect(keepsTitle(declared, { title: "Employee Handbook" })).toBe(false);
    const fromName = { title: "notes", titleSource: "filename" as const };
    expect(keepsTitle(fromName, { title: "notes", titleSource: "filename" })).toBe(true);
    expect(keepsTitle(fromName, { title: "renamed-notes", titleSource: "filename" })).toBe(false);
  });
});
