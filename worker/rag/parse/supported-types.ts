import Papa from "papaparse";

/** A content type ingestion can parse. */
export type SupportedContentType =
  | "text/plain"
  | "text/markdown"
  | "text/html"
  | "application/pdf"
  | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
  | "text/csv"
  | "application/json";

/** The content type of Word documents (.docx). */
export const docxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/**
 * How many leading bytes `detectContentType` looks at: pass this much of the file, or all of a smaller one.
 * More than the 4 KiB a text check needs, because a DOCX names `word/document.xml` only after the entries
 * its writer put first.
 */
export const maxSniffBytes = 64 * 1024;

/** What `detectContentType` knows about an upload before reading all of it. */
export interface ContentTypeEvidence {
  /** The first `maxSniffBytes` of the file (all of it when smaller). */
  head: Uint8Array;
  filename: string;
  /** The Content-Type the client sent, if any; it is only a hint. */
  declaredType: string | null;
}

const supportedContentTypes: ReadonlySet<string> = new Set<SupportedContentType>([
  "text/plain",
  "text/markdown",
  "text/html",
  "application/pdf",
  docxContentType,
  "text/csv",
  "application/json",
]);

const markdownExtensions = new Set(["md", "markdown"]);

const pdfSignature = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"
const zipLocalFileSignature = [0x50, 0x4b, 0x03, 0x04]; // "PK\x03\x04"
const zipLocalFileHeaderBytes = 30;
const docxMainPart = "word/document.xml";
const csvDelimiters = [",", ";", "\t", "|"];
const csvRowsToCheck = 50;

const htmlStartPattern = /^(?:<!doctype\s+html|<html[\s>])/i;
const htmlTagPattern = /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>/i;

/**
 * Decides what an upload really is from its first bytes, using the file name and declared type only to tell
 * text formats apart: `%PDF-` is a PDF and a ZIP holding `word/document.xml` is a DOCX whatever they are
 * called; anything else must be UTF-8 text without NUL bytes, and is then JSON (`.json` or a JSON type, and
 * starting with `{` or `[`), HTML (an `<html>` or doctype start, or `.html`/`.htm` with tags), CSV (`.csv`
 * or `text/csv`, with a consistent delimiter), Markdown (`.md`, `.markdown`) or plain text. Returns null for
 * binary content that is none of these (an image called `notes.md`, an encrypted blob), which callers
 * should answer with 415.
 */
export function detectContentType({ head, filename, declaredType }: ContentTypeEvidence): SupportedContentType | null {
  if (startsWith(head, pdfSignature)) return "application/pdf";
  if (startsWith(head, zipLocalFileSignature)) return zipEntryNames(head).has(docxMainPart) ? docxContentType : null;
  const text = decodeTextHead(head);
  if (text === null) return null;
  return classifyText(text, extensionOf(filename), mediaTypeOf(declaredType));
}

/** Whether `contentType` is exactly one of the supported media types (no parameters, lower case). */
export function isSupportedContentType(contentType: string): contentType is SupportedContentType {
  return supportedContentTypes.has(contentType);
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

// Local file headers sit in front of every entry, so the names of the entries within the head can be read
// without the central directory at the end of the file. A signature inside compressed data may yield a
// garbage name, which matches nothing.
function zipEntryNames(head: Uint8Array): Set<string> {
  const names = new Set<string>();
  const decoder = new TextDecoder();
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (let offset = 0; offset + zipLocalFileHeaderBytes <= head.length; offset += 1) {
    if (!zipLocalFileSignature.every((byte, index) => head[offset + index] === byte)) continue;
    const nameLength = view.getUint16(offset + 26, true);
    const nameStart = offset + zipLocalFileHeaderBytes;
    if (nameStart + nameLength > head.length) break;
    names.add(decoder.decode(head.subarray(nameStart, nameStart + nameLength)));
  }
  return names;
}

// Streaming mode leaves a multi-byte sequence cut off at the end of the head undecoded instead of failing.
function decodeTextHead(head: Uint8Array): string | null {
  if (head.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(head, { stream: true });
  } catch {
    return null;
  }
}

function classifyText(text: string, extension: string, declaredType: string): SupportedContentType {
  const start = text.trimStart();
  if (htmlStartPattern.test(start)) return "text/html";
  const claimsJson = extension === "json" || declaredType === "application/json" || declaredType.endsWith("+json");
  if (claimsJson && (start.startsWith("{") || start.startsWith("["))) return "application/json";
  const claimsCsv = extension === "csv" || declaredType === "text/csv";
  if (claimsCsv && hasConsistentDelimiter(text)) return "text/csv";
  const claimsHtml = extension === "html" || extension === "htm" || declaredType === "text/html";
  if (claimsHtml && htmlTagPattern.test(text)) return "text/html";
  if (markdownExtensions.has(extension)) return "text/markdown";
  // A declared type only decides when the name says nothing: "notes.txt" sent as Markdown stays plain text.
  return extension === "txt" || declaredType !== "text/markdown" ? "text/plain" : "text/markdown";
}

// The head may end inside a row, so the last row is ignored whenever there is more than one.
function hasConsistentDelimiter(text: string): boolean {
  const result = Papa.parse<string[]>(text, {
    delimitersToGuess: csvDelimiters,
    preview: csvRowsToCheck,
    skipEmptyLines: true,
  });
  const rows = result.data.length > 1 ? result.data.slice(0, -1) : result.data;
  const lastRow = rows.length - 1;
  const fieldCount = rows[0]?.length ?? 0;
  return (
    fieldCount > 1 &&
    rows.every((row) => row.length === fieldCount) &&
    result.errors.every((error) => error.code !== "UndetectableDelimiter" && (error.row ?? 0) > lastRow)
  );
}

// Folder uploads send relative paths, whose directory names may contain dots.
function extensionOf(filename: string): string {
  const name = filename.slice(filename.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}

function mediaTypeOf(declaredType: string | null): string {
  return (declaredType?.split(";")[0] ?? "").trim().toLowerCase();
}
