import { type Block, type BlockKind, splitListItems } from "./markdown-blocks";
import { closesFence, isBlank, openingFence } from "./markdown-lines";
import { isWhitespaceCode, sentenceStarts, splitSentences } from "./sentences";

/** The sizes chunks are packed to, in characters (see `ChunkOptions`). */
export interface ChunkSettings {
  targetChars: number;
  overlapChars: number;
  maxChars: number;
}

/** A chunk of records, and which records it holds ("Records 1–12", "Record 13"). */
export interface RecordsChunk {
  headingPath: string;
  text: string;
}

/** The text of a records segment and its number, counted from 1 across the document. */
export interface NumberedRecord {
  number: number;
  text: string;
}

// The smallest piece the packer places; `joiner` is what separates it from the text before it.
interface Unit {
  kind: BlockKind;
  text: string;
  joiner: string;
}

// The prose a chunk ends with, which the next chunk of the section may repeat as overlap: its units (with the
// joiners between them) and their total length. Only the end of it can become overlap, so units far enough from
// the end are dropped as it grows; the first kept unit is context that is never repeated itself.
interface ProseTail {
  kind: BlockKind;
  units: Array<{ text: string; joiner: string }>;
  length: number;
}

const blockJoiner = "\n\n";
const recordJoiner = "\n";
const recordFieldSeparator = "; ";

/**
 * Packs the blocks of one section into chunk texts of about `targetChars`. Code blocks and tables stay whole unless
 * one alone exceeds `maxChars` (then they are cut on line boundaries, repeating the fence or table header); prose
 * that does not fit is cut between sentences. A block too big to fit even a fresh chunk stays with the text before
 * it, as long as that fits in `maxChars`. Consecutive chunks overlap by up to `overlapChars` of whole sentences.
 */
export function* packSection(blocks: Iterable<Block>, settings: ChunkSettings): Generator<string> {
  let body = "";
  let hasNewContent = false;
  let tail: ProseTail | null = null;

  for (const block of blocks) {
    for (const unit of toUnits(block, settings)) {
      const grownLength = body.length + unit.joiner.length + unit.text.length;
      if (hasNewContent && grownLength > settings.targetChars) {
        const overlap: string = tail === null ? "" : overlapFrom(tail, settings.overlapChars);
        const freshLength = (overlap === "" ? 0 : overlap.length + unit.joiner.length) + unit.text.length;
        // When even a fresh chunk would be over target (a big table after its introduction), starting one only
        // duplicates the context as overlap, so this chunk grows instead, within maxChars.
        if (freshLength <= settings.targetChars || grownLength > settings.maxChars) {
          yield body;
          body = overlap;
          tail = tail === null || overlap === "" ? null : startTail(tail.kind, overlap);
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
        tail = startTail(unit.kind, unit.text);
      } else {
        extendTail(tail, unit, settings.overlapChars);
      }
    }
  }
  if (hasNewContent) yield body;
}

/**
 * Packs consecutive records whole, one per line, up to `targetChars` without overlap; a record is split (between its
 * fields) only when it alone exceeds `maxChars`.
 */
export function packRecords(records: NumberedRecord[], settings: ChunkSettings): RecordsChunk[] {
  const chunks: RecordsChunk[] = [];
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

// Splits an oversized code block or table on line boundaries, repeating the opening and closing fence (or
// the header and delimiter rows) around every piece so each one still renders as what it was.
function splitFramedBlock(block: Block, limit: number): string[] {
  const lines = block.text.split("\n");
  const fence = block.kind === "code" ? openingFence(lines[0] ?? "") : null;
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

// Cuts at the last whitespace that keeps a piece at least half full, else exactly at the limit; the whitespace
// around a cut is dropped.
function hardSplit(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > limit) {
    let cut = start + limit;
    while (cut - start > limit / 2 && !isWhitespaceCode(text.charCodeAt(cut))) cut -= 1;
    if (cut - start <= limit / 2) {
      cut = start + limit;
      if (limit > 1 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
    }
    const piece = text.slice(start, cut).trimEnd();
    if (piece.length > 0) pieces.push(piece);
    start = cut;
    while (start < text.length && isWhitespaceCode(text.charCodeAt(start))) start += 1;
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function startTail(kind: BlockKind, text: string): ProseTail {
  return { kind, units: [{ text, joiner: "" }], length: text.length };
}

// Appends a unit, then drops units from the front while what follows the second unit's start is still more than
// the overlap can take: the overlap starts after that point, so the first unit is only there for context.
function extendTail(tail: ProseTail, unit: Unit, overlapChars: number): void {
  tail.units.push({ text: unit.text, joiner: unit.joiner });
  tail.length += unit.joiner.length + unit.text.length;
  for (;;) {
    const [first, second, third] = tail.units;
    if (first === undefined || second === undefined || third === undefined) return;
    const fromThird = tail.length - first.text.length - second.joiner.length - second.text.length - third.joiner.length;
    if (fromThird <= overlapChars) return;
    tail.units.shift();
    tail.length -= first.text.length + second.joiner.length;
    second.joiner = "";
  }
}

// The longest run of whole sentences (list items, for lists) from the end of the tail within the budget.
function overlapFrom(tail: ProseTail, overlapChars: number): string {
  if (overlapChars <= 0) return "";
  const text = tail.units.map((unit) => unit.joiner + unit.text).join("");
  const start = sentenceStarts(text, tail.kind === "list").find((candidate) => text.length - candidate <= overlapChars);
  return start === undefined ? "" : text.slice(start);
}
