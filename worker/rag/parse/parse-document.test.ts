import { describe, expect, it } from "vitest";
import { DocumentParseError } from "./document-parse-error";
import { parseDocument } from "./parse-document";
import { testFixtures } from "./test-fixtures";

const encoder = new TextEncoder();

function parseText(text: string, contentType: "text/plain" | "text/markdown") {
  return parseDocument(encoder.encode(text), contentType);
}

describe("parseDocument for Markdown", () => {
  it("takes the first level-one heading as the title and keeps the text as one Markdown segment", async () => {
    const parsed = await parseText("Intro line\n\n## Not this\n\n# The Guide #\n\n# Later", "text/markdown");
    expect(parsed).toEqual({
      title: "The Guide",
      segments: [{ text: "Intro line\n\n## Not this\n\n# The Guide #\n\n# Later", page: null, kind: "markdown" }],
    });
  });

  it("ignores headings inside fenced code blocks", async () => {
    const markdown = "```sh\n# a shell comment\n```\n\n# Real title";
    expect((await parseText(markdown, "text/markdown")).title).toBe("Real title");
  });

  it("returns a null title when there is no level-one heading", async () => {
    expect((await parseText("## Only a subheading\n\ntext", "text/markdown")).title).toBeNull();
  });

  it("normalises line endings and strips a byte order mark", async () => {
    const parsed = await parseText("\uFEFF# Title\r\n\r\nline one\rline two\r\n", "text/markdown");
    expect(parsed).toEqual({
      title: "Title",
      segments: [{ text: "# Title\n\nline one\nline two", page: null, kind: "markdown" }],
    });
  });

  it("strips front matter at the top but keeps a later thematic break", async () => {
    const parsed = await parseText("---\ntitle: Ignored\ntags: [a]\n---\n\n# Heading\n\nBody", "text/markdown");
    expect(parsed.segments[0]?.text).toBe("# Heading\n\nBody");
    expect(parsed.title).toBe("Heading");
    expect((await parseText("---\n---\nBody", "text/markdown")).segments[0]?.text).toBe("Body");
    expect((await parseText("Body\n\n---\n\nMore", "text/markdown")).segments[0]?.text).toBe("Body\n\n---\n\nMore");
  });

  it("reads the handbook fixture", async () => {
    const parsed = await parseDocument(testFixtures["handbook.md"], "text/markdown");
    expect(parsed.title).toBe("Employee Handbook");
    expect(parsed.segments).toHaveLength(1);
    expect(parsed.segments[0]?.text).toMatch(/^# Employee Handbook\n\nWelcome/);
    expect(parsed.segments[0]?.text).not.toContain("owner: people-team");
  });
});

describe("parseDocument for plain text", () => {
  it("leaves text alone apart from normalisation and never finds a title", async () => {
    const parsed = await parseText("\uFEFF---\n# not a heading\r\n---\n", "text/plain");
    expect(parsed).toEqual({
      title: null,
      segments: [{ text: "---\n# not a heading\n---", page: null, kind: "text" }],
    });
  });

  it("reads the notes fixture as one text segment", async () => {
    const parsed = await parseDocument(testFixtures["notes.txt"], "text/plain");
    expect(parsed.title).toBeNull();
    expect(parsed.segments.map((segment) => segment.kind)).toEqual(["text"]);
    expect(parsed.segments[0]?.text).toContain("# this line is not a heading in plain text");
  });

  it("returns no segments for an empty or blank file", async () => {
    expect(await parseText("", "text/plain")).toEqual({ title: null, segments: [] });
    expect(await parseText("\n \n", "text/markdown")).toEqual({ title: null, segments: [] });
  });
});

describe("parseDocument errors", () => {
  it("rejects text that is not valid UTF-8 with a readable message", async () => {
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "café" in Latin-1
    await expect(parseDocument(latin1, "text/plain")).rejects.toThrow(DocumentParseError);
    await expect(parseDocument(latin1, "text/markdown")).rejects.toThrow("The file is not valid UTF-8 text");
  });
});
