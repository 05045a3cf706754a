import { isWhitespaceCode, sentenceStarts } from "./sentences";

// A repeat worth removing holds a word; a lone closing fence or table rule that recurs by chance is not overlap.
const wordCharacter = /[\p{L}\p{N}]/u;

/**
 * How many characters at the start of `next` repeat the end of `previous`: the overlap the chunker gives consecutive
 * chunks of a section (whole sentences of the previous chunk, then a joiner), so a reader of the document sees them
 * once. 0 when there is none. The repeat must start where a sentence or line starts in `previous`, end where the
 * joiner starts in `next` (before white space), and hold a word. Linear in the lengths of the two texts (the
 * prefix function of `next` matched against the end of `previous`).
 */
export function repeatedPrefixLength(previous: string, next: string): number {
  const tail = previous.slice(Math.max(0, previous.length - next.length));
  const border = prefixFunction(next);
  // Match `tail` against `next` as a pattern: `matched` is the longest prefix of `next` ending at each position.
  let matched = 0;
  for (let index = 0; index < tail.length; index += 1) {
    while (matched > 0 && (matched === next.length || next[matched] !== tail[index])) {
      matched = border[matched - 1] ?? 0;
    }
    if (next[matched] === tail[index]) matched += 1;
  }
  // The longest prefix that is a suffix of `previous` is `matched`; shorter ones are its borders.
  const firstWord = next.search(wordCharacter);
  if (firstWord === -1) return 0;
  const unitStarts = new Set(sentenceStarts(previous, true));
  for (let length = matched; length > firstWord; length = border[length - 1] ?? 0) {
    const start = previous.length - length;
    if (start > 0 && unitStarts.has(start) && length < next.length && isWhitespaceCode(next.charCodeAt(length))) {
      return length;
    }
  }
  return 0;
}

// border[i]: the length of the longest proper prefix of text[0..i] that is also its suffix (Knuth–Morris–Pratt).
function prefixFunction(text: string): number[] {
  const border = new Array<number>(text.length).fill(0);
  let length = 0;
  for (let index = 1; index < text.length; index += 1) {
    while (length > 0 && text[index] !== text[length]) length = border[length - 1] ?? 0;
    if (text[index] === text[length]) length += 1;
    border[index] = length;
  }
  return border;
}
