/** A run of answer text, or a citation marker `[n]` pointing at the nth source. */
export type AnswerSegment = { kind: "text"; text: string } | { kind: "citation"; index: number };

// [1], and the grouped forms models also write: [1, 2] and [1][2] (the latter is two matches).
const citationPattern = /\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g;

/** Splits answer text into text and citation segments; markers for unknown sources stay plain text. */
export function splitCitations(text: string, isKnownSource: (index: number) => boolean): AnswerSegment[] {
  const segments: AnswerSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(citationPattern)) {
    const indexes = (match[1] ?? "").split(",").map((part) => Number.parseInt(part.trim(), 10));
    if (!indexes.every(isKnownSource)) continue;
    if (match.index > last) segments.push({ kind: "text", text: text.slice(last, match.index) });
    for (const index of indexes) segments.push({ kind: "citation", index });
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}
