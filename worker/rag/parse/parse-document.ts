import { DocumentParseError } from "./document-parse-error";
import { parseJson } from "./json";
import { parseMarkdown } from "./markdown";
import type { ParsedDocument } from "./parsed-document";
import { parsePlainText } from "./plain-text";
import { docxContentType, type SupportedContentType } from "./supported-types";

export type { DocumentSegment, ParsedDocument, SegmentKind } from "./parsed-document";

/**
 * Parses a stored file of a detected content type into its title and text segments in reading order:
 * Markdown segments for Markdown, HTML and DOCX; text segments for plain text and for PDF (one per page,
 * with its page number); one records segment per CSV row or JSON record. Throws a `DocumentParseError`
 * whose message is meant for the person who uploaded the file when it cannot be read as that type.
 *
 * The HTML, CSV, PDF and DOCX parsers are imported on first use: they are most of the Worker's code, and an isolate
 * that only answers questions never evaluates them (docs/benchmarks.md, "Cold start").
 */
export async function parseDocument(bytes: Uint8Array, contentType: SupportedContentType): Promise<ParsedDocument> {
  switch (contentType) {
    case "text/plain":
      return parsePlainText(decodeUtf8(bytes));
    case "text/markdown":
      return parseMarkdown(decodeUtf8(bytes));
    case "text/html":
      return (await import("./html")).parseHtml(decodeUtf8(bytes));
    case "text/csv":
      return (await import("./csv")).parseCsv(decodeUtf8(bytes));
    case "application/json":
      return parseJson(decodeUtf8(bytes));
    case "application/pdf":
      return (await import("./pdf")).parsePdf(bytes);
    case docxContentType:
      return (await import("./docx")).parseDocx(bytes);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentParseError("The file is not valid UTF-8 text");
  }
}
