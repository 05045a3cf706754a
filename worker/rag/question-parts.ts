import { questionTerms } from "./question-coverage";

/** Questions with more parts than this keep the rest in the last part, so one message costs a bounded retrieval. */
export const maximumQuestionParts = 4;

// A numbered item ("1." or "2)") at the start of a line or after a space, as people number questions inline.
const numberedMarkerPattern = /(^|\s)(\d{1,2})[.)]\s+/g;
// A bullet ("-", "*", "•") at the start of a line.
const bulletMarkerPattern = /(^|\n)[ \t]*[-*•][ \t]+/g;
// "and also" between two asks, as in "Is alcohol reimbursed, and also which trains are preferred?".
const andAlsoPattern = /,?\s+and\s+also\s+/gi;
// An introduction such as "Two questions:" before the first part.
const introductionPattern = /^[^:?\n]{0,80}:\s*/;

/**
 * The parts of a question that asks several things, each worded as the user wrote it: list items (numbered
 * "1. … 2. …", inline or on lines, or bullets), else sentences ending in "?" when there are several, each split again
 * at "and also". An introduction ending in ":" is left out, and a piece without content words joins its neighbour.
 * A question with one part is returned whole. Runs in linear time.
 */
export function questionParts(question: string): string[] {
  const pieces = listItems(question) ?? questionSentences(question).flatMap(splitAtAndAlso);
  const parts = joinEmptyPieces(pieces);
  if (parts.length < 2) return [question.trim()];
  if (parts.length <= maximumQuestionParts) return parts;
  return [...parts.slice(0, maximumQuestionParts - 1), parts.slice(maximumQuestionParts - 1).join(" ")];
}

// The items of a list of two or more (numbered from 1 in order, or bulleted); null when the question is no list.
function listItems(question: string): string[] | null {
  const numbered: number[] = [];
  let expected = 1;
  for (const match of question.matchAll(numberedMarkerPattern)) {
    if (Number(match[2]) !== expected) continue;
    numbered.push((match.index ?? 0) + (match[1] ?? "").length, (match.index ?? 0) + match[0].length);
    expected += 1;
  }
  if (numbered.length >= 4) return itemsBetween(question, numbered);
  const bulleted: number[] = [];
  for (const match of question.matchAll(bulletMarkerPattern)) {
    bulleted.push((match.index ?? 0) + (match[1] ?? "").length, (match.index ?? 0) + match[0].length);
  }
  return bulleted.length >= 4 ? itemsBetween(question, bulleted) : null;
}

// The text after each marker up to the next one; `bounds` holds each marker's start and end, in order.
function itemsBetween(text: string, bounds: number[]): string[] {
  const items: string[] = [];
  for (let index = 1; index < bounds.length; index += 2) {
    items.push(text.slice(bounds[index], bounds[index + 1] ?? text.length).trim());
  }
  return items;
}

// The question's sentences when two or more of them end in "?"; otherwise the question whole.
function questionSentences(question: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (let index = 0; index < question.length; index++) {
    if (question.charAt(index) === "?" && (index + 1 === question.length || /\s/.test(question.charAt(index + 1)))) {
      sentences.push(question.slice(start, index + 1).trim());
      start = index + 1;
    }
  }
  const rest = question.slice(start).trim();
  if (sentences.length < 2) return [question.trim()];
  // Words after the last "?" ("Thanks.") belong to the last question.
  if (rest.length > 0) sentences.push(`${sentences.pop() ?? ""} ${rest}`);
  const [first, ...others] = sentences;
  return [(first ?? "").replace(introductionPattern, ""), ...others];
}

function splitAtAndAlso(sentence: string): string[] {
  return sentence.split(andAlsoPattern).map((piece) => piece.trim());
}

// A piece with no content words ("Why?", an empty item) is no question of its own: it joins the part before it, or
// the next one when it comes first.
function joinEmptyPieces(pieces: readonly string[]): string[] {
  const parts: string[] = [];
  let leading = "";
  for (const piece of pieces) {
    if (questionTerms(piece).length > 0) {
      parts.push(leading ? `${leading} ${piece}` : piece);
      leading = "";
    } else if (parts.length > 0) {
      parts[parts.length - 1] = `${parts[parts.length - 1]} ${piece}`;
    } else {
      leading = `${leading} ${piece}`.trim();
    }
  }
  return parts.filter((part) => part.length > 0);
}
