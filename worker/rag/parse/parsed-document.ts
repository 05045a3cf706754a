/** How a segment's text is laid out, which decides how it is chunked. */
export type SegmentKind = "markdown" | "text" | "records";

/**
 * A run of a document's text. Markdown keeps headings, lists, code and tables for the structure-aware
 * chunker; text is prose cut only at paragraphs and sentences; a records segment is one self-contained
 * record (a CSV row, a JSON object) on one line.
 */
export interface DocumentSegment {
  text: string;
  /** The 1-based page the text is on, for formats that have pages (PDF); otherwise null. */
  page: number | null;
  kind: SegmentKind;
}

/** A document reduced to the text worth indexing, as segments in reading order. */
export interface ParsedDocument {
  /** The title the document declares (a heading, metadata), or null. */
  title: string | null;
  segments: DocumentSegment[];
}
