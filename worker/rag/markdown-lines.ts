// What one line of Markdown is, read by hand-written scanners: each looks at every character of the line at most
// a few times, so a hostile line (a megabyte of `#`, `|`, `-` or spaces) costs time in proportion to its length.

/** An ATX heading line ("## Install ##"): its level and its text without the closing hashes. */
export interface AtxHeading {
  level: number;
  text: string;
}

const space = 0x20;
const tab = 0x09;
const hash = 0x23;
const backtick = 0x60;
const tilde = 0x7e;
const pipe = 0x7c;
const colon = 0x3a;
const dash = 0x2d;
const equals = 0x3d;
const maxHeadingLevel = 6;
const maxIndent = 3;
const maxListNumberDigits = 9;
const minFenceLength = 3;
const minThematicBreakMarks = 3;
// `\s` of a regular expression, tested on one character at a time.
const whitespacePattern = /\s/u;

/** True when the line holds nothing but whitespace. */
export function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

/** True when the line starts with two spaces or a tab: the continuation of a list item. */
export function isIndented(line: string): boolean {
  return line.startsWith("  ") || line.startsWith("\t");
}

/** The heading of an ATX heading line (up to three spaces, one to six `#`, a space), else null. */
export function atxHeading(line: string): AtxHeading | null {
  const start = skipSpaces(line, 0);
  if (start > maxIndent) return null;
  const afterHashes = skipRun(line, start, hash);
  const level = afterHashes - start;
  if (level === 0 || level > maxHeadingLevel) return null;
  if (afterHashes === line.length) return { level, text: "" };
  if (!isSpaceOrTab(line.charCodeAt(afterHashes))) return null;

  const textStart = skipSpacesAndTabs(line, afterHashes);
  let textEnd = trimSpacesAndTabsEnd(line, textStart);
  // A closing sequence is a run of `#` at the end that a space or tab separates from the text.
  const closingStart = skipRunBackward(line, textStart, textEnd, hash);
  if (closingStart < textEnd && closingStart > textStart && isSpaceOrTab(line.charCodeAt(closingStart - 1))) {
    textEnd = trimSpacesAndTabsEnd(line, textStart, closingStart);
  }
  const text = line.slice(textStart, textEnd);
  // The text is `.` of a regular expression, which does not cross line separators.
  if (text.includes("\u2028") || text.includes("\u2029")) return null;
  return { level, text };
}

/** True for the `===` or `---` line under a setext heading. */
export function isSetextUnderline(line: string): boolean {
  const start = skipSpaces(line, 0);
  if (start > maxIndent) return false;
  const mark = line.charCodeAt(start);
  if (mark !== equals && mark !== dash) return false;
  const end = skipRun(line, start, mark);
  return trimSpacesAndTabsEnd(line, end) === end;
}

/**
 * The fence a line opens a code block with (three or more backticks, whose info string has no backtick, or three
 * or more tildes), else null.
 */
export function openingFence(line: string): string | null {
  const start = skipSpaces(line, 0);
  if (start > maxIndent) return null;
  const mark = line.charCodeAt(start);
  if (mark !== backtick && mark !== tilde) return null;
  const end = skipRun(line, start, mark);
  if (end - start < minFenceLength) return null;
  const info = line.slice(end);
  if (mark === backtick ? info.includes("`") : info.includes("\u2028") || info.includes("\u2029")) return null;
  return line.slice(start, end);
}

/** True when the line closes a code block opened with `fence`: the same mark, at least as many, nothing after. */
export function closesFence(line: string, fence: string): boolean {
  const start = skipSpaces(line, 0);
  if (start > maxIndent) return false;
  const mark = line.charCodeAt(start);
  if ((mark !== backtick && mark !== tilde) || mark !== fence.charCodeAt(0)) return false;
  const end = skipRun(line, start, mark);
  return end - start >= Math.max(fence.length, minFenceLength) && trimSpacesAndTabsEnd(line, end) === end;
}

/** True for a thematic break: three or more of the same `-`, `*` or `_`, with only spaces or tabs between. */
export function isThematicBreak(line: string): boolean {
  const start = skipSpaces(line, 0);
  if (start > maxIndent) return false;
  const mark = line.charCodeAt(start);
  if (mark !== dash && mark !== 0x2a && mark !== 0x5f) return false;
  let marks = 0;
  for (let index = start; index < line.length; index += 1) {
    const code = line.charCodeAt(index);
    if (code === mark) marks += 1;
    else if (!isSpaceOrTab(code)) return false;
  }
  return marks >= minThematicBreakMarks;
}

/**
 * True when the line starts a list item: up to three spaces, a bullet (`-`, `*`, `+`) or a number of up to nine
 * digits with `.` or `)`, then the end of the line or spaces and some text.
 */
export function isListItem(line: string): boolean {
  const start = skipSpaces(line, 0);
  if (start > maxIndent) return false;
  const afterMarker = listMarkerEnd(line, start);
  if (afterMarker === null) return false;
  const afterSpaces = skipSpacesAndTabs(line, afterMarker);
  if (afterSpaces === line.length) return true;
  return afterSpaces > afterMarker && !isWhitespaceAt(line, afterSpaces);
}

/** True when both lines have a `|` and the second is a table's delimiter row: the start of a pipe table. */
export function isTableStart(header: string, delimiter: string): boolean {
  return header.includes("|") && delimiter.includes("|") && isTableDelimiter(delimiter);
}

/** True for a table's delimiter row: cells of `-` (with optional `:` at either end) separated by `|`. */
export function isTableDelimiter(line: string): boolean {
  let index = skipSpacesAndTabs(line, 0);
  if (line.charCodeAt(index) === pipe) {
    // Before a leading pipe, only the indentation of a block: up to three spaces.
    if (index > maxIndent || skipSpaces(line, 0) !== index) return false;
    index += 1;
  }
  for (;;) {
    index = skipSpacesAndTabs(line, index);
    if (line.charCodeAt(index) === colon) index += 1;
    const afterDashes = skipRun(line, index, dash);
    if (afterDashes === index) return false;
    index = afterDashes;
    if (line.charCodeAt(index) === colon) index += 1;
    index = skipSpacesAndTabs(line, index);
    if (index === line.length) return true;
    if (line.charCodeAt(index) !== pipe) return false;
    index += 1;
    if (skipSpacesAndTabs(line, index) === line.length) return true;
  }
}

function listMarkerEnd(line: string, start: number): number | null {
  const mark = line.charCodeAt(start);
  if (mark === dash || mark === 0x2a || mark === 0x2b) return start + 1;
  let index = start;
  while (index < line.length && index - start <= maxListNumberDigits && isDigit(line.charCodeAt(index))) index += 1;
  const digits = index - start;
  if (digits === 0 || digits > maxListNumberDigits) return null;
  const delimiter = line.charCodeAt(index);
  return delimiter === 0x2e || delimiter === 0x29 ? index + 1 : null;
}

function skipSpaces(line: string, from: number): number {
  return skipRun(line, from, space);
}

function skipRun(line: string, from: number, code: number): number {
  let index = from;
  while (index < line.length && line.charCodeAt(index) === code) index += 1;
  return index;
}

function skipRunBackward(line: string, floor: number, from: number, code: number): number {
  let index = from;
  while (index > floor && line.charCodeAt(index - 1) === code) index -= 1;
  return index;
}

function skipSpacesAndTabs(line: string, from: number): number {
  let index = from;
  while (index < line.length && isSpaceOrTab(line.charCodeAt(index))) index += 1;
  return index;
}

function trimSpacesAndTabsEnd(line: string, floor: number, end = line.length): number {
  let index = end;
  while (index > floor && isSpaceOrTab(line.charCodeAt(index - 1))) index -= 1;
  return index;
}

function isSpaceOrTab(code: number): boolean {
  return code === space || code === tab;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isWhitespaceAt(text: string, index: number): boolean {
  const codePoint = text.codePointAt(index);
  return codePoint !== undefined && whitespacePattern.test(String.fromCodePoint(codePoint));
}
