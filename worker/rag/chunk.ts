import { type ChunkSettings, type NumberedRecord, packRecords, packSection } from "./chunk-packing";
import { markdownSections, plainTextBlocks } from "./markdown-blocks";
import type { DocumentSegment, ParsedDocument } from "./parse/parsed-document";

/** A passage of a document, sized for embedding and citation. */
export interface DocumentChunk {
  /** Position in the document, 0..n-1. */
  ordinal: number;
  /**
   * The headings above the passage, outermost first, joined with " > " (empty before the first heading or
   * in plain text); for records, which records the chunk holds ("Records 1–12", "Record 13").
   */
  headingPath: string;
  /** The 1-based page the passage is on, for paged formats (PDF); chunks never span pages. */
  page: number | null;
  text: string;
}

/** Options for `chunkDocument`. */
export interface ChunkOptions {
  /** The size chunks are packed up to, in characters (default 1000). */
  targetChars?: number;
  /** How much of the previous chunk's closing sentences a chunk repeats (default 15% of targetChars). */
  overlapChars?: number;
  /** The size above which even a code block, table or record is split (default 2 × targetChars). */
  maxChars?: number;
}

type PlacedChunk = Omit<DocumentChunk, "ordinal">;

const defaultTargetChars = 1000;
const defaultOverlapRatio = 0.15;

/**
 * Splits a parsed document into chunks, segment by segment, so a chunk never spans two pages or two kinds
 * of text. Markdown is cut into sections at headings (the heading path goes into `headingPath`, not the
 * text), each section into blocks, and blocks are packed into chunks of about `targetChars`. Code blocks
 * and tables are never cut unless one alone exceeds `maxChars` (then on line boundaries, repeating the fence
 * or table header); prose that does not fit is cut between sentences. A block too big to fit even a fresh
 * chunk stays with the text before it, as long as that fits in `maxChars`. Consecutive chunks of a section
 * overlap by up to `overlapChars` of whole sentences. Text segments are cut the same way, by paragraphs and
 * sentences only. Consecutive records are packed whole, one per line, up to `targetChars` without overlap;
 * a record is split (between its fields) only when it alone exceeds `maxChars`. Chunks are never empty and
 * never exceed `maxChars`. Time and memory grow in proportion to the text, whatever it holds.
 */
export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions = {}): DocumentChunk[] {
  return Array.from(chunksOf(parsed, resolveSettings(options)), (chunk, ordinal) => ({ ordinal, ...chunk }));
}

/**
 * `chunkDocument` for a long document in an isolate that serves other requests meanwhile: `pause` is awaited after
 * every chunk with the characters it holds, to give the event loop a turn now and then (see `Pacer`).
 */
export async function chunkDocumentPaced(
  parsed: ParsedDocument,
  options: ChunkOptions,
  pause: (work: number) => Promise<void>,
): Promise<DocumentChunk[]> {
  const chunks: DocumentChunk[] = [];
  for (const chunk of chunksOf(parsed, resolveSettings(options))) {
    chunks.push({ ordinal: chunks.length, ...chunk });
    await pause(chunk.text.length);
  }
  return chunks;
}

function* chunksOf(parsed: ParsedDocument, settings: ChunkSettings): Generator<PlacedChunk> {
  let records: NumberedRecord[] = [];
  let recordsPage: number | null = null;
  let recordCount = 0;
  function* flushRecords(): Generator<PlacedChunk> {
    const pending = records;
    records = [];
    for (const chunk of packRecords(pending, settings)) yield { ...chunk, page: recordsPage };
  }

  for (const segment of parsed.segments) {
    if (segment.kind === "records") {
      if (records.length > 0 && segment.page !== recordsPage) yield* flushRecords();
      recordCount += 1;
      recordsPage = segment.page;
      // One record per line in the chunk text, so a record must not contain line breaks of its own.
      records.push({ number: recordCount, text: oneLine(segment.text) });
    } else {
      yield* flushRecords();
      yield* chunkProse(segment, settings);
    }
  }
  yield* flushRecords();
}

function* chunkProse(segment: DocumentSegment, settings: ChunkSettings): Generator<PlacedChunk> {
  const normalised = segment.text.replace(/\r\n?/g, "\n");
  const sections =
    segment.kind === "text" ? [{ headingPath: "", blocks: plainTextBlocks(normalised) }] : markdownSections(normalised);
  for (const section of sections) {
    for (const text of packSection(section.blocks, settings)) {
      yield { headingPath: section.headingPath, page: segment.page, text };
    }
  }
}

function resolveSettings(options: ChunkOptions): ChunkSettings {
  const targetChars = options.targetChars ?? defaultTargetChars;
  const overlapChars = options.overlapChars ?? Math.floor(targetChars * defaultOverlapRatio);
  const maxChars = options.maxChars ?? targetChars * 2;
  if (!(targetChars >= 1)) throw new RangeError(`targetChars must be at least 1, got ${targetChars}`);
  if (!(maxChars >= targetChars)) throw new RangeError(`maxChars (${maxChars}) must be ≥ targetChars (${targetChars})`);
  if (!(overlapChars >= 0 && overlapChars < targetChars)) {
    throw new RangeError(`overlapChars (${overlapChars}) must be ≥ 0 and < targetChars (${targetChars})`);
  }
  return { targetChars, overlapChars, maxChars };
}

// Line breaks (runs of \r and \n) become one space each, and the ends are trimmed.
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ").trim();
}
