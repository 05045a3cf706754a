import { atxHeading, closesFence, openingFence } from "../markdown-lines";
import type { ParsedDocument } from "./parsed-document";
import { normaliseText } from "./plain-text";

/**
 * Reads Markdown as one Markdown segment: normalises it like plain text, removes front matter, and takes the
 * first level-one heading outside code blocks as the title.
 */
export function parseMarkdown(text: string): ParsedDocument {
  const unified = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const body = normaliseText(withoutFrontMatter(unified));
  return {
    title: findMarkdownTitle(body),
    segments: body === "" ? [] : [{ text: body, page: null, kind: "markdown" }],
  };
}

// Front matter is only recognised as the very first thing in the file, as in Jekyll, Hugo and friends: a `---`
// line, anything, and the next `---` line.
function withoutFrontMatter(markdown: string): string {
  const firstBreak = markdown.indexOf("\n");
  if (firstBreak < 0 || !isFrontMatterFence(markdown.slice(0, firstBreak))) return markdown;
  let lineStart = firstBreak + 1;
  while (lineStart <= markdown.length) {
    const lineEnd = markdown.indexOf("\n", lineStart);
    const end = lineEnd < 0 ? markdown.length : lineEnd;
    if (isFrontMatterFence(markdown.slice(lineStart, end))) return markdown.slice(lineEnd < 0 ? end : end + 1);
    if (lineEnd < 0) break;
    lineStart = lineEnd + 1;
  }
  return markdown;
}

function isFrontMatterFence(line: string): boolean {
  return line.startsWith("---") && line.slice(3).replace(/[ \t]/g, "") === "";
}

function findMarkdownTitle(markdown: string): string | null {
  let openFence: string | null = null;
  for (const line of markdown.split("\n")) {
    if (openFence !== null) {
      if (closesFence(line, openFence)) openFence = null;
      continue;
    }
    openFence = openingFence(line);
    if (openFence !== null) continue;
    const heading = atxHeading(line);
    const title = heading?.level === 1 ? heading.text.trim() : "";
    if (title) return title;
  }
  return null;
}
