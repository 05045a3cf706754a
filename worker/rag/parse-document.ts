// The content types ingestion can parse, keyed by the file extensions that imply them.
const contentTypesByExtension: ReadonlyMap<string, SupportedContentType> = new Map([
  ["md", "text/markdown"],
  ["markdown", "text/markdown"],
  ["txt", "text/plain"],
]);

const supportedContentTypes: ReadonlySet<string> = new Set<SupportedContentType>(["text/plain", "text/markdown"]);

/** A content type `parseDocument` understands. */
export type SupportedContentType = "text/plain" | "text/markdown";

/** A document reduced to the text worth chunking, with the title it declares (if any). */
export interface ParsedDocument {
  text: string;
  title: string | null;
}

// Front matter is only recognised as the very first thing in the file, as in Jekyll, Hugo and friends.
const frontMatterPattern = /^---[ \t]*\n(?:[\s\S]*?\n)?---[ \t]*(?:\n|$)/;
const openingFencePattern = /^ {0,3}(`{3,}|~{3,})/;
const closingFencePattern = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const titleHeadingPattern = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;

/**
 * Parses an uploaded text or Markdown document: strips a UTF-8 byte order mark, normalises line endings to
 * `\n`, removes Markdown front matter, and takes the first level-one heading as the title.
 * Throws when the content type is not supported (check with `isSupportedContentType` first).
 */
export function parseDocument(text: string, contentType: string): ParsedDocument {
  const mediaType = toMediaType(contentType);
  if (!isSupported(mediaType)) {
    throw new Error(`Unsupported content type "${contentType}"; expected text/plain or text/markdown`);
  }
  const normalised = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (mediaType === "text/plain") {
    return { text: trimBlankLines(normalised), title: null };
  }
  const body = trimBlankLines(normalised.replace(frontMatterPattern, ""));
  return { text: body, title: findMarkdownTitle(body) };
}

/** Whether `parseDocument` accepts this content type; parameters such as `; charset=utf-8` are ignored. */
export function isSupportedContentType(contentType: string): boolean {
  return isSupported(toMediaType(contentType));
}

/** The content type implied by a file name's extension (`.md`, `.markdown`, `.txt`), or null if unknown. */
export function contentTypeForFilename(name: string): SupportedContentType | null {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return null;
  return contentTypesByExtension.get(name.slice(dot + 1).toLowerCase()) ?? null;
}

function toMediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

function isSupported(mediaType: string): mediaType is SupportedContentType {
  return supportedContentTypes.has(mediaType);
}

// Removes leading and trailing blank lines but keeps the indentation of the first line (it may be code).
function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
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
