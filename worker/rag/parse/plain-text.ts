import type { ParsedDocument } from "./parsed-document";

/**
 * Reads plain text as one text segment: strips a byte order mark, normalises line endings to `\n` and trims
 * blank lines at both ends. Plain text declares no title.
 */
export function parsePlainText(text: string): ParsedDocument {
  const body = normaliseText(text);
  return { title: null, segments: body === "" ? [] : [{ text: body, page: null, kind: "text" }] };
}

/** Strips a byte order mark, normalises line endings and trims blank lines at both ends. */
export function normaliseText(text: string): string {
  return trimBlankLines(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"));
}

// Keeps the indentation of the first line: it may be code.
function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
}
