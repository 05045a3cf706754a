import { contentTerms } from "./text-tokens";

// Words that frame a question rather than say what it is about ("Tell me, please, how much…"), stemmed.
const questionFillers = new Set(contentTerms("also tell please explain describe know question much many"));

/**
 * A passage covers a part of a question when the question's content words are found in one of its sentences, each
 * one counting in full there or in the passage's title and headings, and half when it is found only elsewhere in the
 * passage; the share must reach this. 0.6 needs both words of a two-word question (one may be in the rest of the
 * passage), two of three, and so on: "What is the capital of France?" is not covered by a sentence about hotels in
 * "capital cities" (tuned on bench/grounding-questions.json and the sample documents, docs/benchmarks.md).
 */
export const minimumQuestionCoverage = 0.6;
const elsewhereInPassageWeight = 0.5;

/** The distinct content terms of a question (stemmed, without stop words and question framing). */
export function questionTerms(question: string): string[] {
  return [...new Set(contentTerms(question))].filter((term) => !questionFillers.has(term));
}

/** The terms of one sentence and of where it stands, each a set of content terms. */
export interface SentenceInPassage {
  sentence: ReadonlySet<string>;
  /** The passage's document title and headings. */
  context: ReadonlySet<string>;
  /** The whole passage the sentence is part of. */
  passage: ReadonlySet<string>;
}

/** The share of `terms` (from {@link questionTerms}) that the sentence and its passage cover, from 0 to 1. */
export function questionCoverage(terms: readonly string[], where: SentenceInPassage): number {
  if (terms.length === 0) return 0;
  let covered = 0;
  for (const term of terms) {
    if (where.sentence.has(term) || where.context.has(term)) covered += 1;
    else if (where.passage.has(term)) covered += elsewhereInPassageWeight;
  }
  return covered / terms.length;
}

/**
 * Whether the sentence answers the question part as far as words can tell: it names at least one of the part's
 * terms itself, and with its passage covers at least {@link minimumQuestionCoverage} of them.
 */
export function sentenceCoversQuestion(terms: readonly string[], where: SentenceInPassage): boolean {
  return terms.some((term) => where.sentence.has(term)) && questionCoverage(terms, where) >= minimumQuestionCoverage;
}
