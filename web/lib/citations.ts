import { sentenceStarts } from "../../worker/rag/sentences";

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

/**
 * The answer's claims for each source it cites: for every `[n]` marker, the sentence just before it (markers
 * grouped as `[1][2]` or `[1, 2]` share it). Sources that are never cited are absent.
 */
export function citedClaims(text: string, isKnownSource: (index: number) => boolean): Map<number, string[]> {
  const claims = new Map<number, string[]>();
  let pending = "";
  let claim = "";
  for (const segment of splitCitations(text, isKnownSource)) {
    if (segment.kind === "text") {
      pending += segment.text;
      continue;
    }
    if (pending.trim() !== "") claim = lastSentence(pending);
    pending = "";
    const known = claims.get(segment.index) ?? [];
    if (claim !== "" && !known.includes(claim)) known.push(claim);
    claims.set(segment.index, known);
  }
  return claims;
}

// Line breaks end a claim too: a list item or table row is one.
function lastSentence(text: string): string {
  const starts = sentenceStarts(text, true);
  for (let index = starts.length - 1; index >= 0; index -= 1) {
    const sentence = text.slice(starts[index], starts[index + 1]).trim();
    if (sentence !== "") return sentence;
  }
  return "";
}
