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

type BlockKind = "paragraph" | "list" | "code" | "table";

// A run of Markdown that means something as a whole: a paragraph, a list, a fenced code block, a table.
interface Block {
  kind: BlockKind;
  text: string;
}

interface Section {
  headingPath: string;
  blocks: Block[];
}

// The smallest piece the packer places; `joiner` is what separates it from the text before it.
interface Unit {
  kind: BlockKind;
  text: string;
  joiner: string;
}

// The prose a chunk ends with, which the next chunk of the section may repeat as overlap.
interface ProseTail {
  kind: BlockKind;
  text: string;
}

// The text of a records segment and its number, counted from 1 across the document.
interface NumberedRecord {
  number: number;
  text: string;
}

type PlacedChunk = Omit<DocumentChunk, "ordinal">;

interface ChunkSettings {
  targetChars: number;
  overlapChars: number;
  maxChars: number;
}

const defaultTargetChars = 1000;
const defaultOverlapRatio = 0.15;
const headingSeparator = " > ";
const blockJoiner = "\n\n";
const recordJoiner = "\n";
const recordFieldSeparator = "; ";

const atxHeadingPattern = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const setextUnderlinePattern = /^ {0,3}(?:=+|-+)[ \t]*$/;
// A backtick fence's info string may not contain backticks, or "```a```" on one line would open a block.
const openingFencePattern = /^ {0,3}(?:(`{3,})[^`]*|(~{3,}).*)$/;
const closingFencePattern = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const thematicBreakPattern = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const listItemPattern = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+\S|[ \t]*$)/;
const tableDelimiterPattern = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const indentedPattern = /^(?: {2,}|\t)/;
// A sentence ends at terminal punctuation (plus closing quotes or brackets) followed by whitespace and a
// character that is not lower case, so "e.g. this" stays whole; CJK full stops need no following space.
// The dot of an ordered-list marker ("8. Next") at the start of a line ends nothing.
const sentenceEndPattern = /(?<!(?:^|\n)[ \t]*\d{1,9})[.!?…]+["'”’)\]]*\s+(?![\s\p{Ll}])|[。！？]+["'”’）」』]*\s*/gu;
const sentenceOrLineEndPattern = new RegExp(`${sentenceEndPattern.source}|\\n\\s*`, "gu");

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
 * never exceed `maxChars`.
 */
export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions = {}): DocumentChunk[] {
  const settings = resolveSettings(options);
  const chunks: PlacedChunk[] = [];
  let records: NumberedRecord[] = [];
  let recordsPage: number | null = null;
  let recordCount = 0;
  const flushRecords = () => {
    for (const chunk of packRecords(records, settings)) chunks.push({ ...chunk, page: recordsPage });
    records = [];
  };

  for (const segment of parsed.segments) {
    if (segment.kind === "records") {
      if (records.length > 0 && segment.page !== recordsPage) flushRecords();
      recordCount += 1;
      recordsPage = segment.page;
      // One record per line in the chunk text, so a record must not contain line breaks of its own.
      records.push({ number: recordCount, text: segment.text.replace(/[\r\n]+/g, " ").trim() });
    } else {
      flushRecords();
      for (const chunk of chunkProse(segment, settings)) chunks.push(chunk);
    }
  }
  flushRecords();
  return chunks.map((chunk, ordinal) => ({ ordinal, ...chunk }));
}

function chunkProse(segment: DocumentSegment, settings: ChunkSettings): PlacedChunk[] {
  const normalised = segment.text.replace(/\r\n?/g, "\n");
  const sections =
    segment.kind === "text"
      ? [{ headingPath: "", blocks: parsePlainTextBlocks(normalised) }]
      : parseMarkdownSections(normalised);
  return sections.flatMap((section) =>
    packSection(section.blocks, settings).map((text) => ({
      headingPath: section.headingPath,
      page: segment.page,
      text,
    })),
  );
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

function parsePlainTextBlocks(text: string): Block[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => ({ kind: "paragraph", text: paragraph }));
}

function parseMarkdownSections(markdown: string): Section[] {
  const lines = markdown.split("\n");
  const headings: Array<{ level: number; text: string }> = [];
  let section: Section = { headingPath: "", blocks: [] };
  const sections = [section];

  const startSection = (level: number, text: string) => {
    while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
    headings.push({ level, text });
    const path = headings.map((heading) => heading.text).filter((heading) => heading.length > 0);
    section = { headingPath: path.join(headingSeparator), blocks: [] };
    sections.push(section);
  };
  const addBlock = (kind: BlockKind, start: number, end: number) => {
    const blockText = lines.slice(start, end).join("\n").trimEnd();
    if (blockText.trim().length > 0) section.blocks.push({ kind, text: blockText });
  };

  let index = 0;
  while (index < lines.length) {
    const line = lineAt(lines, index);
    const heading = atxHeadingPattern.exec(line);
    if (isBlank(line) || thematicBreakPattern.test(line)) {
      index += 1;
    } else if (heading) {
      startSection(heading[1]?.length ?? 1, (heading[2] ?? "").trim());
      index += 1;
    } else if (openingFence(line) !== null) {
      const end = findFenceEnd(lines, index);
      addBlock("code", index, end);
      index = end;
    } else if (isTableStart(lines, index)) {
      let end = index + 2;
      while (end < lines.length && !isBlank(lineAt(lines, end)) && lineAt(lines, end).includes("|")) end += 1;
      addBlock("table", index, end);
      index = end;
    } else if (listItemPattern.test(line)) {
      const end = findListEnd(lines, index);
      addBlock("list", index, end);
      index = end;
    } else {
      let end = index + 1;
      while (end < lines.length && !isBlank(lineAt(lines, end)) && !interruptsParagraph(lines, end)) end += 1;
      const underline = lines[end];
      if (underline !== undefined && setextUnderlinePattern.test(underline)) {
        const headingText = lines.slice(index, end).map((headingLine) => headingLine.trim());
        startSection(underline.includes("=") ? 1 : 2, headingText.join(" "));
        end += 1;
      } else {
        addBlock("paragraph", index, end);
      }
      index = end;
    }
  }
  return sections;
}

function lineAt(lines: string[], index: number): string {
  return lines[index] ?? "";
}

function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

function openingFence(line: string): string | null {
  const match = openingFencePattern.exec(line);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function closesFence(line: string, fence: string): boolean {
  const closing = closingFencePattern.exec(line)?.[1];
  return closing !== undefined && closing[0] === fence[0] && closing.length >= fence.length;
}

// The index just past the closing fence; an unclosed fence runs to the end of the document, as in CommonMark.
function findFenceEnd(lines: string[], start: number): number {
  const fence = openingFence(lineAt(lines, start)) ?? "```";
  for (let index = start + 1; index < lines.length; index += 1) {
    if (closesFence(lineAt(lines, index), fence)) return index + 1;
  }
  return lines.length;
}

function isTableStart(lines: string[], index: number): boolean {
  const delimiter = lineAt(lines, index + 1);
  return lineAt(lines, index).includes("|") && delimiter.includes("|") && tableDelimiterPattern.test(delimiter);
}

function startsOtherBlock(lines: string[], index: number): boolean {
  const line = lineAt(lines, index);
  return (
    atxHeadingPattern.test(line) ||
    openingFence(line) !== null ||
    thematicBreakPattern.test(line) ||
    isTableStart(lines, index)
  );
}

function interruptsParagraph(lines: string[], index: number): boolean {
  const line = lineAt(lines, index);
  return startsOtherBlock(lines, index) || setextUnderlinePattern.test(line) || listItemPattern.test(line);
}

// A list runs on through indented continuation lines (including fenced code inside items, whose lines must
// not be read as headings), lazy continuation lines, and blank lines followed by more of the list.
function findListEnd(lines: string[], start: number): number {
  let openFence: string | null = null;
  let index = start + 1;
  while (index < lines.length) {
    const line = lineAt(lines, index);
    if (openFence !== null) {
      if (closesFence(line.trimStart(), openFence)) openFence = null;
      index += 1;
      continue;
    }
    if (isBlank(line)) {
      let next = index + 1;
      while (next < lines.length && isBlank(lineAt(lines, next))) next += 1;
      const nextLine = lines[next];
      if (nextLine === undefined || !(indentedPattern.test(nextLine) || listItemPattern.test(nextLine))) break;
      index = next;
      continue;
    }
    if (!indentedPattern.test(line) && startsOtherBlock(lines, index)) break;
    openFence = openingFence(line.trimStart());
    index += 1;
  }
  return index;
}

function packSection(blocks: Block[], settings: ChunkSettings): string[] {
  const chunks: string[] = [];
  let body = "";
  let hasNewContent = false;
  let tail: ProseTail | null = null;

  for (const unit of blocks.flatMap((block) => toUnits(block, settings))) {
    const grownLength = body.length + unit.joiner.length + unit.text.length;
    if (hasNewContent && grownLength > settings.targetChars) {
      const overlap: string = tail === null ? "" : overlapFrom(tail, settings.overlapChars);
      const freshLength = (overlap === "" ? 0 : overlap.length + unit.joiner.length) + unit.text.length;
      // When even a fresh chunk would be over target (a big table after its introduction), starting one only
      // duplicates the context as overlap, so this chunk grows instead, within maxChars.
      if (freshLength <= settings.targetChars || grownLength > settings.maxChars) {
        chunks.push(body);
        body = overlap;
        tail = tail === null || overlap === "" ? null : { kind: tail.kind, text: overlap };
        hasNewContent = false;
      }
    }
    // Only a fresh chunk can get here with too little room: its overlap gives way to the unit.
    if (body !== "" && body.length + unit.joiner.length + unit.text.length > settings.maxChars) {
      body = "";
      tail = null;
    }
    body = body === "" ? unit.text : body + unit.joiner + unit.text;
    hasNewContent = true;
    if (unit.kind === "code" || unit.kind === "table") {
      tail = null;
    } else if (tail === null || unit.joiner === blockJoiner) {
      tail = { kind: unit.kind, text: unit.text };
    } else {
      tail = { kind: tail.kind, text: tail.text + unit.joiner + unit.text };
    }
  }
  if (hasNewContent) chunks.push(body);
  return chunks;
}

function packRecords(records: NumberedRecord[], settings: ChunkSettings): Array<Omit<PlacedChunk, "page">> {
  const chunks: Array<Omit<PlacedChunk, "page">> = [];
  let packed: NumberedRecord[] = [];
  let packedLength = 0;
  const flush = () => {
    const first = packed[0];
    const last = packed.at(-1);
    if (first !== undefined && last !== undefined) {
      chunks.push({
        headingPath: first === last ? `Record ${first.number}` : `Records ${first.number}–${last.number}`,
        text: packed.map((record) => record.text).join(recordJoiner),
      });
    }
    packed = [];
    packedLength = 0;
  };

  for (const record of records) {
    if (record.text === "") continue;
    if (record.text.length > settings.maxChars) {
      flush();
      const pieces = packPieces(
        record.text.split(recordFieldSeparator),
        recordFieldSeparator,
        settings.targetChars,
        (field) => hardSplit(field, settings.targetChars),
      );
      for (const piece of pieces) chunks.push({ headingPath: `Record ${record.number}`, text: piece });
      continue;
    }
    if (packed.length > 0 && packedLength + recordJoiner.length + record.text.length > settings.targetChars) flush();
    packedLength += (packed.length > 0 ? recordJoiner.length : 0) + record.text.length;
    packed.push(record);
  }
  flush();
  return chunks;
}

function toUnits(block: Block, settings: ChunkSettings): Unit[] {
  const { kind, text } = block;
  if (kind === "code" || kind === "table") {
    const pieces = text.length <= settings.maxChars ? [text] : splitFramedBlock(block, settings.targetChars);
    return pieces.map((piece) => ({ kind, text: piece, joiner: blockJoiner }));
  }
  if (text.length <= settings.targetChars) return [{ kind, text, joiner: blockJoiner }];

  const units: Unit[] =
    kind === "list"
      ? splitListItems(text).flatMap((item) =>
          (item.length <= settings.targetChars ? [item] : splitSentencesToFit(item, settings.targetChars)).map(
            (sentence, index) => ({
              kind,
              text: sentence,
              joiner: index === 0 ? "\n" : " ",
            }),
          ),
        )
      : splitSentencesToFit(text, settings.targetChars).map((sentence) => ({ kind, text: sentence, joiner: " " }));
  return units.map((unit, index) => (index === 0 ? { ...unit, joiner: blockJoiner } : unit));
}

// Items start at list markers indented at most three spaces and outside fenced code, so deeper-nested
// items stay with their parent.
function splitListItems(list: string): string[] {
  const items: string[][] = [];
  let openFence: string | null = null;
  for (const line of list.split("\n")) {
    if (openFence !== null) {
      if (closesFence(line.trimStart(), openFence)) openFence = null;
    } else {
      if (listItemPattern.test(line) || items.length === 0) items.push([]);
      openFence = openingFence(line.trimStart());
    }
    items.at(-1)?.push(line);
  }
  return items.map((item) => item.join("\n").trimEnd()).filter((item) => item.trim().length > 0);
}

// Splits an oversized code block or table on line boundaries, repeating the opening and closing fence (or
// the header and delimiter rows) around every piece so each one still renders as what it was.
function splitFramedBlock(block: Block, limit: number): string[] {
  const lines = block.text.split("\n");
  const fence = block.kind === "code" ? openingFence(lineAt(lines, 0)) : null;
  const head = lines.slice(0, block.kind === "table" ? 2 : 1);
  const last = lines.at(-1);
  const hasClosingFence = fence !== null && lines.length > 1 && last !== undefined && closesFence(last, fence);
  const body = lines.slice(head.length, hasClosingFence ? -1 : undefined);
  const foot = fence === null ? [] : [hasClosingFence && last !== undefined ? last : fence];
  const frame = [...head, ...foot].join("\n").length + 1;
  // A frame that would leave little room for content (tiny limits, absurd headers) is not worth repeating.
  const framed = limit - frame >= limit / 2 && body.length > 0;
  const pieces = splitLinesToFit(framed ? body : lines, framed ? limit - frame : limit).filter(
    (piece) => !isBlank(piece),
  );
  return framed ? pieces.map((piece) => [...head, piece, ...foot].join("\n")) : pieces;
}

function splitLinesToFit(lines: string[], limit: number): string[] {
  return packPieces(lines, "\n", limit, (line) =>
    packPieces(splitSentences(line), " ", limit, (sentence) => hardSplit(sentence, limit)),
  );
}

function splitSentencesToFit(text: string, limit: number): string[] {
  return splitSentences(text).flatMap((sentence) =>
    sentence.length <= limit ? [sentence] : hardSplit(sentence, limit),
  );
}

// Greedily joins pieces with `separator` into strings of at most `limit`; longer pieces go to `splitLonger`.
function packPieces(
  pieces: string[],
  separator: string,
  limit: number,
  splitLonger: (piece: string) => string[],
): string[] {
  const packed: string[] = [];
  let current: string | null = null;
  for (const piece of pieces.flatMap((candidate) =>
    candidate.length > limit ? splitLonger(candidate) : [candidate],
  )) {
    if (current !== null && current.length + separator.length + piece.length > limit) {
      packed.push(current);
      current = null;
    }
    current = current === null ? piece : current + separator + piece;
  }
  if (current !== null) packed.push(current);
  return packed;
}

function sentenceStarts(text: string, breakAtLines: boolean): number[] {
  const starts = [0];
  for (const match of text.matchAll(breakAtLines ? sentenceOrLineEndPattern : sentenceEndPattern)) {
    const start = match.index + match[0].length;
    if (start < text.length && start > (starts.at(-1) ?? 0)) starts.push(start);
  }
  return starts;
}

function splitSentences(text: string): string[] {
  const starts = sentenceStarts(text, false);
  return starts
    .map((start, index) => text.slice(start, starts[index + 1]).trim())
    .filter((sentence) => sentence.length > 0);
}

// Cuts at the last whitespace that keeps a piece at least half full, else exactly at the limit.
function hardSplit(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    let cut = limit;
    while (cut > limit / 2 && !/\s/.test(rest.charAt(cut))) cut -= 1;
    if (cut <= limit / 2) cut = limit > 1 && isHighSurrogate(rest.charCodeAt(limit - 1)) ? limit - 1 : limit;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces.filter((piece) => piece.length > 0);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

// The longest run of whole sentences (list items, for lists) from the end of the tail within the budget.
function overlapFrom(tail: ProseTail, overlapChars: number): string {
  if (overlapChars <= 0) return "";
  const start = sentenceStarts(tail.text, tail.kind === "list").find(
    (candidate) => tail.text.length - candidate <= overlapChars,
  );
  return start === undefined ? "" : tail.text.slice(start);
}
