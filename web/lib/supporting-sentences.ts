import { sentenceStarts } from "../../worker/rag/sentences";
import { contentTerms } from "../../worker/rag/text-tokens";

/** A stretch of a text, by UTF-16 offsets: `start` inclusive, `end` exclusive. */
export interface TextRange {
  start: number;
  end: number;
}

// A sentence supports a claim when they share at least this share of their terms (Dice), and at least two terms
// unless the claim has only one.
const minimumSimilarity = 0.2;

/**
 * Where `passage` says what the answer's `claims` say: for each claim the passage sentence sharing the most of its
 * words (stemmed, without stop words), if it shares enough. Sorted, without repeats. An answer that quotes its
 * source finds the quoted sentence; a paraphrase finds the sentence it draws most of its words from.
 */
export function supportingSentences(passage: string, claims: readonly string[]): TextRange[] {
  const sentences = passageSentences(passage).map((range) => ({
    range,
    terms: new Set(contentTerms(passage.slice(range.start, range.end))),
  }));
  const found = new Map<number, TextRange>();
  for (const claim of claims) {
    const claimTerms = new Set(contentTerms(claim));
    let best: { range: TextRange; similarity: number } | null = null;
    for (const sentence of sentences) {
      const shared = [...claimTerms].filter((term) => sentence.terms.has(term)).length;
      const similarity = (2 * shared) / (claimTerms.size + sentence.terms.size || 1);
      const enough = shared >= Math.min(2, claimTerms.size) && similarity >= minimumSimilarity;
      if (enough && similarity > (best?.similarity ?? 0)) best = { range: sentence.range, similarity };
    }
    if (best) found.set(best.range.start, best.range);
  }
  return [...found.values()].sort((left, right) => left.start - right.start);
}

// A line that starts a block of its own: a list item, table row, heading or quote.
const blockStartPattern = /^\s*(?:[-*+]\s|\d{1,9}[.)]\s|\||#|>)/;

// The sentences of the passage, without the white space around them. Blank lines, list items, table rows and headings
// end a sentence; other line breaks are wrapping.
function passageSentences(passage: string): TextRange[] {
  const ranges: TextRange[] = [];
  for (const block of passageBlocks(passage)) {
    const text = passage.slice(block.start, block.end);
    const starts = sentenceStarts(text);
    starts.forEach((from, index) => {
      const sentence = text.slice(from, starts[index + 1] ?? text.length);
      const start = block.start + from + (sentence.length - sentence.trimStart().length);
      const end = block.start + from + sentence.trimEnd().length;
      if (end > start) ranges.push({ start, end });
    });
  }
  return ranges;
}

function passageBlocks(passage: string): TextRange[] {
  const blocks: TextRange[] = [];
  let blockStart = 0;
  let lineStart = 0;
  while (lineStart <= passage.length) {
    const newline = passage.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? passage.length : newline;
    const line = passage.slice(lineStart, lineEnd);
    if (line.trim() === "" || blockStartPattern.test(line)) {
      if (lineStart > blockStart) blocks.push({ start: blockStart, end: lineStart });
      blockStart = line.trim() === "" ? lineEnd : lineStart;
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  if (passage.length > blockStart) blocks.push({ start: blockStart, end: passage.length });
  return blocks;
}
