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

// A unit with the hash of its text (see `textHash`), which decides both where runs end and where they are cut.
interface HashedUnit extends Unit {
  hash: number;
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
 * Packs the blocks of one section into chunk texts of about `targetChars`, with boundaries that the content decides
 * rather than the length of everything before them, so an edit moves only the boundaries near it.
 *
 * The section's units (blocks, or the sentences and list items of blocks too long for a chunk) are first cut into
 * runs: a run ends after an *anchor*, a unit whose text hashes below a threshold proportional to its length (about
 * one anchor every 4 × `targetChars` of text), once the run holds `targetChars`. Which units are anchors depends only
 * on their own text, so after an edit runs end where they ended before. A run too long for one chunk is cut after its
 * unit of lowest hash among those that leave enough text on both sides, and each half the same way, until every
 * piece holds at most `targetChars`: each half depends only on its own units. Code blocks and tables
 * stay whole unless one alone exceeds `maxChars` (then they are cut on line boundaries, repeating the fence or table
 * header); a block too big for a piece stays with the text before it, as long as that fits in `maxChars`. Each chunk
 * after the first starts with up to `overlapChars` of the previous chunk's closing sentences.
 */
export function* packSection(blocks: Iterable<Block>, settings: ChunkSettings): Generator<string> {
  // The prose the previous chunk ended with; none before the first chunk or after a code block or table.
  let tail: ProseTail | null = null;
  for (const run of anchoredRuns(blocks, settings)) {
    for (const piece of splitRun(run, settings)) {
      const chunk = chunkOf(piece, tail, settings);
      tail = chunk.tail;
      yield chunk.text;
    }
  }
}

// A chunk's text, the piece after the overlap from the previous chunk's tail (when that fits `maxChars`), and the
// prose it ends with.
function chunkOf(
  piece: Unit[],
  previous: ProseTail | null,
  settings: ChunkSettings,
): { text: string; tail: ProseTail | null } {
  const content = joinUnits(piece);
  const overlap = previous === null ? "" : overlapFrom(previous, settings.overlapChars);
  const withOverlap = overlap + (piece[0]?.joiner ?? blockJoiner) + content;
  const overlapped = previous !== null && overlap !== "" && withOverlap.length <= settings.maxChars;
  let tail = overlapped ? startTail(previous.kind, overlap) : null;
  for (const unit of piece) tail = nextTail(tail, unit, settings.overlapChars);
  return { text: overlapped ? withOverlap : content, tail };
}

/** Runs end at anchors about once per this many times `targetChars` of text … */
const anchorSpacingRatio = 4;
/** … once they hold at least this many `targetChars`, … */
const minRunRatio = 1;
/** … and text without anchors (the same short sentence repeated) is cut into runs of at most this many. */
const maxRunRatio = 16;
/** A cut inside a run leaves at least this share of a piece's budget on both sides, where it can. */
const minPieceRatio = 0.4;

function* anchoredRuns(blocks: Iterable<Block>, settings: ChunkSettings): Generator<HashedUnit[]> {
  const spacing = settings.targetChars * anchorSpacingRatio;
  let run: HashedUnit[] = [];
  let length = 0;
  for (const block of blocks) {
    for (const unit of toUnits(block, settings)) {
      const hashed = { ...unit, hash: textHash(unit.text) };
      length += (run.length === 0 ? 0 : unit.joiner.length) + unit.text.length;
      run.push(hashed);
      const anchored = length >= settings.targetChars * minRunRatio && hashed.hash < unit.text.length / spacing;
      if (anchored || length >= settings.targetChars * maxRunRatio) {
        yield run;
        run = [];
        length = 0;
      }
    }
  }
  if (run.length > 0) yield run;
}

// A number in [0, 1) that depends on the text alone (FNV-1a over its UTF-16 code units).
function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

// Cuts a run into pieces of at most `targetChars` of content (a chunk adds the overlap to it): a span too long for
// one piece is cut after the unit with the lowest hash among those that leave enough on both sides, and both halves
// are cut the same way. A half depends only on its own units, so an edit changes the pieces it falls in and rarely more. A unit too
// big for a piece stays with the text before it while that fits `maxChars`.
function splitRun(run: HashedUnit[], settings: ChunkSettings): Unit[][] {
  const budget = settings.targetChars;
  const minPiece = budget * minPieceRatio;
  // ends[i]: the length of units 0..i joined, plus the joiner of unit 0, so units from..to-1 joined are
  // ends[to - 1] - ends[from - 1] - the joiner of unit `from` long.
  const ends: number[] = [];
  let length = 0;
  for (const unit of run) {
    length += unit.joiner.length + unit.text.length;
    ends.push(length);
  }
  const spanLength = (from: number, to: number) =>
    (ends[to - 1] ?? 0) - (ends[from - 1] ?? 0) - (run[from]?.joiner.length ?? 0);
  const pieces: Unit[][] = [];
  const split = (from: number, to: number): void => {
    const span = spanLength(from, to);
    const lastLength = run[to - 1]?.text.length ?? 0;
    const bigUnitWithIntroduction =
      lastLength > budget && span <= settings.maxChars && spanLength(from, to - 1) <= budget;
    if (to - from === 1 || span <= budget || bigUnitWithIntroduction) {
      pieces.push(run.slice(from, to));
      return;
    }
    // The cut after the lowest-hash unit that leaves enough on both sides, else after the lowest-hash unit.
    const best = { roomy: { at: -1, hash: 1 }, any: { at: -1, hash: 1 } };
    for (let candidate = from + 1; candidate < to; candidate += 1) {
      const hash = run[candidate - 1]?.hash ?? 1;
      if (best.any.at < 0 || hash < best.any.hash) best.any = { at: candidate, hash };
      const roomy = spanLength(from, candidate) >= minPiece && spanLength(candidate, to) >= minPiece;
      if (roomy && (best.roomy.at < 0 || hash < best.roomy.hash)) best.roomy = { at: candidate, hash };
    }
    const at = best.roomy.at < 0 ? best.any.at : best.roomy.at;
    split(from, at);
    split(at, to);
  };
  split(0, run.length);
  return pieces;
}

function joinUnits(units: Unit[]): string {
  return units.map((unit, index) => (index === 0 ? unit.text : unit.joiner + unit.text)).join("");
}

// The prose a chunk ends with after `unit` is added: code and tables end it, a new block starts it afresh.
function nextTail(tail: ProseTail | null, unit: Unit, overlapChars: number): ProseTail | null {
  if (unit.kind === "code" || unit.kind === "table") return null;
  if (tail === null || unit.joiner === blockJoiner) return startTail(unit.kind, unit.text);
  extendTail(tail, unit, overlapChars);
  return tail;
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
