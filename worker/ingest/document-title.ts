import { maxTitleLength } from "../contract";
import type { Db } from "../db/client";
import { type DocumentRow, setDeclaredTitle } from "../db/documents";
import type { TitleSource } from "../db/schema";
import { removeControlCharacters } from "../lib/control-characters";

const ellipsis = "…";
const combiningMark = /\p{M}/u;

/**
 * A title made from text nobody chose as one (a file name, a heading in the file): control characters removed
 * and, when longer than `maxLength`, shortened at a word boundary with an ellipsis. Null when nothing is left.
 */
export function fitTitle(text: string, maxLength = maxTitleLength): string | null {
  const clean = removeControlCharacters(text).trim();
  return clean === "" ? null : shorten(clean, maxLength);
}

/** The title a file name gives: its last path segment without the extension ("guides/setup.md" → "setup"). */
export function titleFromFilename(filename: string): string {
  const name = filename.slice(Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\")) + 1);
  const dot = name.lastIndexOf(".");
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return fitTitle(stem) ?? fitTitle(name) ?? "Untitled document";
}

/**
 * Whether a re-submitted document keeps the title it has, so that unchanged content is not queued again: an
 * explicit title must be the same; a title the file decides stays the file's as long as the file is the same.
 */
export function keepsTitle(
  current: Pick<DocumentRow, "title" | "titleSource">,
  submitted: { title: string; titleSource?: TitleSource },
): boolean {
  if ((submitted.titleSource ?? "explicit") === "explicit") {
    return current.titleSource === "explicit" && current.title === submitted.title;
  }
  return (
    current.titleSource === "document" || (current.titleSource === "filename" && current.title === submitted.title)
  );
}

/**
 * The title a document version is indexed under. Unless the submitter named the document, the title the file
 * declares (`ParsedDocument.title`) replaces the file name, and is written on the document before the chunks
 * are hashed, because every chunk's hash includes the title.
 */
export async function titleForVersion(db: Db, document: DocumentRow, declaredTitle: string | null): Promise<string> {
  if (document.titleSource === "explicit" || declaredTitle === null) return document.title;
  const title = fitTitle(declaredTitle);
  if (title === null || (title === document.title && document.titleSource === "document")) return document.title;
  await setDeclaredTitle(db, document, title);
  return title;
}

// Cuts before `maxLength - 1` characters, never inside a surrogate pair or between a letter and its accents,
// and at the last space when one is near the end, so the ellipsis follows a whole word.
function shorten(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - ellipsis.length;
  while (end > 0 && (isLowSurrogate(text.charCodeAt(end)) || combiningMark.test(text.charAt(end)))) end -= 1;
  const space = text.lastIndexOf(" ", end);
  if (space >= maxLength * 0.8) end = space;
  return `${text.slice(0, end).trimEnd()}${ellipsis}`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
