import type { ParsedDocument } from "./parsed-document";
import { normaliseText } from "./plain-text";

// Front matter is only recognised as the very first thing in the file, as in Jekyll, Hugo and friends.
const frontMatterPattern = /^---[ \t]*\n(?:[\s\S]*?\n)?---[ \t]*(?:\n|$)/;
const openingFencePattern = /^ {0,3}(`{3,}|~{3,})/;
const closingFencePattern = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const titleHeadingPattern = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;

/**
 * Reads Markdown as one Markdown segment: normalises it like plain text, removes front matter, and takes the
 * first level-one heading outside code blocks as the title.
 */
export function parseMarkdown(text: string): ParsedDocument {
  const unified = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const body = normaliseText(unified.replace(frontMatterPattern, ""));
  return {
    title: findMarkdownTitle(body),
    segments: body === "" ? [] : [{ text: body, page: null, kind: "markdown" }],
  };
}

function findMarkdownTitle(markdown: string): string | null {
  let openFence: string | null = null;
  for (const line of markdown.split("\n")) {
    if (openFence !== null) {
      const closing = closingFencePattern.exec(line)?.[1];
      if (closing !== undefined && closing[0] === openFence[0] && closing.length >= openFence.length) openFence = null;
      continue;
    }
    const opening = openingFencePattern.exec(line)?.[1];
    if (opening !== undefined) {
      openFence = opening;
      continue;
    }
    const title = titleHeadingPattern.exec(line)?.[1]?.trim();
    if (title) return title;
  }
  return null;
}
