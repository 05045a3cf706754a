import { parseCsv } from "./csv";
import { DocumentParseError } from "./document-parse-error";
import { parseDocx } from "./docx";
import { parseHtml } from "./html";
import { parseJson } from "./json";
import { parseMarkdown } from "./markdown";
import type { ParsedDocument } from "./parsed-document";
import { parsePdf } from "./pdf";
import { parsePlainText } from "./plain-text";
import { docxContentType, type SupportedContentType } from "./supported-types";

export type { DocumentSegment, ParsedDocument, SegmentKind } from "./parsed-document";

/**
 * Parses a stored file of a detected content type into its title and text segments in reading order:
 * Markdown segments for Markdown, HTML and DOCX; text segments for plain text and for PDF (one per page,
 * with its page number); one records segment per CSV row or JSON record. Throws a `DocumentParseError`
 * whose message is meant for the person who uploaded the file when it cannot be read as that type.
 */
export async function parseDocument(bytes: Uint8Array, contentType: SupportedContentType): Promise<ParsedDocument> {
  switch (contentType) {
    case "text/plain":
      return parsePlainText(decodeUtf8(bytes));
    case "text/markdown":
      return parseMarkdown(decodeUtf8(bytes));
    case "text/html":
      return parseHtml(decodeUtf8(bytes));
    case "text/csv":
      return parseCsv(decodeUtf8(bytes));
    case "application/json":
      return parseJson(decodeUtf8(bytes));
    case "application/pdf":
      return parsePdf(bytes);
    case docxContentType:
      return parseDocx(bytes);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DocumentParseError("The file is not valid UTF-8 text");
  }
}
