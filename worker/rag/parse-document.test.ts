import { describe, expect, it } from "vitest";
import { contentTypeForFilename, isSupportedContentType, parseDocument } from "./parse-document";

describe("parseDocument", () => {
  it("takes the first level-one heading of Markdown as the title", () => {
    const parsed = parseDocument("Intro line\n\n## Not this\n\n# The Guide #\n\n# Later", "text/markdown");
    expect(parsed.title).toBe("The Guide");
    expect(parsed.text).toBe("Intro line\n\n## Not this\n\n# The Guide #\n\n# Later");
  });

  it("ignores headings inside fenced code blocks", () => {
    const markdown = "```sh\n# a shell comment\n```\n\n# Real title";
    expect(parseDocument(markdown, "text/markdown").title).toBe("Real title");
  });

  it("returns a null title when Markdown has no level-one heading", () => {
    expect(parseDocument("## Only a subheading\n\ntext", "text/markdown").title).toBeNull();
  });

  it("normalises line endings and strips a byte order mark", () => {
    const parsed = parseDocument("\uFEFF# Title\r\n\r\nline one\rline two\r\n", "text/markdown");
    expect(parsed).toEqual({ text: "# Title\n\nline one\nline two", title: "Title" });
  });

  it("strips front matter at the top of Markdown", () => {
    const parsed = parseDocument("---\ntitle: Ignored\ntags: [a]\n---\n\n# Heading\n\nBody", "text/markdown");
    expect(parsed).toEqual({ text: "# Heading\n\nBody", title: "Heading" });
    expect(parseDocument("---\n---\nBody", "text/markdown").text).toBe("Body");
  });

  it("keeps a thematic break that is not front matter", () => {
    expect(parseDocument("Body\n\n---\n\nMore", "text/markdown").text).toBe("Body\n\n---\n\nMore");
  });

  it("leaves plain text alone apart from normalisation and never finds a title", () => {
    const parsed = parseDocument("\uFEFF---\n# not a heading\r\n---\n", "text/plain; charset=utf-8");
    expect(parsed).toEqual({ text: "---\n# not a heading\n---", title: null });
  });

  it("rejects unsupported content types", () => {
    expect(() => parseDocument("%PDF", "application/pdf")).toThrow(/Unsupported content type/);
  });
});

describe("isSupportedContentType", () => {
  it("accepts text and Markdown with parameters, in any case", () => {
    expect(isSupportedContentType("text/plain")).toBe(true);
    expect(isSupportedContentType("Text/Markdown; charset=UTF-8")).toBe(true);
    expect(isSupportedContentType("text/html")).toBe(false);
    expect(isSupportedContentType("")).toBe(false);
  });
});

describe("contentTypeForFilename", () => {
  it("maps known extensions case-insensitively", () => {
    expect(contentTypeForFilename("README.md")).toBe("text/markdown");
    expect(contentTypeForFilename("guide.MARKDOWN")).toBe("text/markdown");
    expect(contentTypeForFilename("notes.v2.txt")).toBe("text/plain");
  });

  it("returns null for unknown or missing extensions", () => {
    expect(contentTypeForFilename("report.pdf")).toBeNull();
    expect(contentTypeForFilename("Makefile")).toBeNull();
    expect(contentTypeForFilename("odd.constructor")).toBeNull();
  });
});
