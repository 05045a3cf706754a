import { formatMegabytes } from "../../lib/format-megabytes";
import { docxContentType, type SupportedContentType } from "./supported-types";

const megabyte = 1024 * 1024;

/**
 * The largest file of each type that ingestion parses, chosen so that reading, parsing and chunking one document
 * stays well inside the 128 MB memory of a production Worker isolate (peaks measured by `npm run bench:parse-memory`,
 * recorded in docs/reliability.md). Formats that parse into a tree (HTML, JSON) take more memory per byte than text.
 */
export const documentLimits: Readonly<Record<SupportedContentType, number>> = {
  "text/plain": 12 * megabyte,
  "text/markdown": 12 * megabyte,
  "text/html": 4 * megabyte,
  "text/csv": 4 * megabyte,
  "application/json": 4 * megabyte,
  "application/pdf": 16 * megabyte,
  [docxContentType]: 16 * megabyte,
};

/**
 * How much XML a DOCX may unpack to (its document body, styles and properties together). A zip bomb (a small file
 * of highly compressed XML) fails as soon as unpacking passes this, before it holds more than this in memory.
 */
export const maxDocxXmlBytes = 4 * megabyte;

/**
 * How many pages of a PDF are read. pdf.js keeps what it learnt about every page it has read, about 45 KB for a page of
 * dense text, so a long PDF needs memory for its pages even when the file is small.
 */
export const maxPdfPages = 500;

const typeNames: Readonly<Record<SupportedContentType, string>> = {
  "text/plain": "Text files",
  "text/markdown": "Markdown files",
  "text/html": "HTML files",
  "text/csv": "CSV files",
  "application/json": "JSON files",
  "application/pdf": "PDF files",
  [docxContentType]: "DOCX files",
};

/** How a person is told the limit of a type: "Markdown files are limited to 12 MB". */
export function documentLimitStatement(contentType: SupportedContentType): string {
  return `${typeNames[contentType]} are limited to ${formatMegabytes(documentLimits[contentType])}`;
}
