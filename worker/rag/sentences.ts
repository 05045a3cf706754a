// Where sentences end, found by one pass over the text: every character is looked at a bounded number of times, so
// a megabyte of "....", "?!?!" or "…" costs no more than a megabyte of prose.
//
// A sentence ends at a run of terminal punctuation (. ! ? …), then any closing quotes or brackets, then whitespace
// and a character that is not lower case, so "e.g. this" stays whole. The dot of an ordered-list marker at the
// start of a line ("8. Next") ends nothing. CJK full stops (。！？) end a sentence without a following space.

const terminals = new Set([0x2e, 0x21, 0x3f, 0x2026]); // . ! ? …
const closers = new Set([0x22, 0x27, 0x201d, 0x2019, 0x29, 0x5d]); // " ' ” ’ ) ]
const cjkTerminals = new Set([0x3002, 0xff01, 0xff1f]); // 。！？
const cjkClosers = new Set([0x22, 0x27, 0x201d, 0x2019, 0xff09, 0x300d, 0x300f]); // " ' ” ’ ） 」 』
const newline = 0x0a;
const maxListNumberDigits = 9;
// Tested at one position (sticky): whether the character that follows a sentence end lets it end there.
const continuesSentencePattern = /[\s\p{Ll}]/uy;
// Every character `\s` matches; all of them are single UTF-16 code units.
const whitespaceCodes = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007,
  0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

/**
 * The offsets at which sentences of `text` start, in order, beginning with 0. With `breakAtLines`, every line
 * break starts one too (list items, whose lines are items rather than wrapping).
 */
export function sentenceStarts(text: string, breakAtLines = false): number[] {
  const starts = [0];
  for (const end of sentenceEnds(text, breakAtLines)) {
    if (end < text.length && end > (starts.at(-1) ?? 0)) starts.push(end);
  }
  return starts;
}

/** The sentences of `text`, trimmed, without empty ones. */
export function splitSentences(text: string): string[] {
  const starts = sentenceStarts(text);
  const sentences: string[] = [];
  starts.forEach((start, index) => {
    const sentence = text.slice(start, starts[index + 1]).trim();
    if (sentence.length > 0) sentences.push(sentence);
  });
  return sentences;
}

/** True for a character of `\s`: Unicode white space and line terminators. */
export function isWhitespaceCode(code: number): boolean {
  return whitespaceCodes.has(code);
}

// The offset just past each sentence end (the punctuation, closers and whitespace that follow), in order.
function* sentenceEnds(text: string, breakAtLines: boolean): Generator<number> {
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (terminals.has(code)) {
      const runEnd = skip(text, index, terminals);
      const closersEnd = skip(text, runEnd, closers);
      const end = skip(text, closersEnd, whitespaceCodes);
      const spaced = end > closersEnd;
      // Inside a run the ordered-list marker rule no longer applies, so "8.. Next" ends after the second dot.
      const endsHere = !endsOrderedListMarker(text, index) || runEnd - index > 1;
      if (spaced && endsHere && !continuesSentence(text, end)) {
        yield end;
        index = end;
      } else {
        // The closers and whitespace after the run may still hold a line break that starts a sentence.
        index = runEnd;
      }
    } else if (cjkTerminals.has(code)) {
      index = skip(text, skip(text, skip(text, index, cjkTerminals), cjkClosers), whitespaceCodes);
      yield index;
    } else if (breakAtLines && code === newline) {
      index = skip(text, index + 1, whitespaceCodes);
      yield index;
    } else {
      index += 1;
    }
  }
}

function skip(text: string, from: number, codes: ReadonlySet<number>): number {
  let index = from;
  while (index < text.length && codes.has(text.charCodeAt(index))) index += 1;
  return index;
}

function continuesSentence(text: string, index: number): boolean {
  continuesSentencePattern.lastIndex = index;
  return continuesSentencePattern.test(text);
}

// Whether the text before `index` is a line's indentation and a number of up to nine digits: "  12" of "  12. Do".
function endsOrderedListMarker(text: string, index: number): boolean {
  let start = index;
  while (start > 0 && index - start <= maxListNumberDigits && isDigit(text.charCodeAt(start - 1))) start -= 1;
  const digits = index - start;
  if (digits === 0 || digits > maxListNumberDigits) return false;
  let lineStart = start;
  while (lineStart > 0 && isSpaceOrTab(text.charCodeAt(lineStart - 1))) lineStart -= 1;
  return lineStart === 0 || text.charCodeAt(lineStart - 1) === newline;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isSpaceOrTab(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
