import type { PassageReranker, RerankedPassage } from "./passage-reranker";
import { contentTerms, textTerms } from "./text-tokens";

/** How much each signal of {@link LexicalReranker} counts; coverage of the text counts 1. */
export interface LexicalRerankerWeights {
  /** Share of the query's weight found in the document title. */
  title: number;
  /** Share found in the heading path. */
  headingPath: number;
  /** The share of the query's weight found within a few consecutive words of the text. */
  proximity: number;
}

const defaultWeights: LexicalRerankerWeights = { title: 0.5, headingPath: 0.25, proximity: 1 };
// The stretch of text, in words, within which query terms count as close together.
const proximityWindow = 10;

/**
 * The offline reranker: scores each passage by how much of the query it covers (each query term weighted by how rare
 * it is among the candidates, so a term every candidate has decides nothing), where (title and headings count extra,
 * as a field weight) and how close together (the share of the query found within ten consecutive words). BM25
 * already counts term frequencies; this adds what it cannot see: order and distance of the terms, and coverage
 * measured against the candidates rather than the whole corpus.
 */
export class LexicalReranker implements PassageReranker {
  readonly modelId = "lexical-reranker";
  readonly #weights: LexicalRerankerWeights;

  constructor(weights: Partial<LexicalRerankerWeights> = {}) {
    this.#weights = { ...defaultWeights, ...weights };
  }

  async score(query: string, passages: readonly RerankedPassage[]): Promise<number[]> {
    const terms = [...new Set(contentTerms(query))];
    if (terms.length === 0 || passages.length === 0) return passages.map(() => 0);
    const analysed = passages.map((passage) => ({
      title: textTerms(passage.title).contentPositions,
      headingPath: textTerms(passage.headingPath).contentPositions,
      text: textTerms(passage.text).contentPositions,
    }));
    // Rarity among the candidates: log(1 + n / (1 + df)), the usual smoothed inverse document frequency.
    const rarity = new Map(
      terms.map((term) => {
        const documentFrequency = analysed.filter(
          (passage) => passage.text.has(term) || passage.title.has(term) || passage.headingPath.has(term),
        ).length;
        return [term, Math.log(1 + passages.length / (1 + documentFrequency))];
      }),
    );
    const total = terms.reduce((sum, term) => sum + (rarity.get(term) ?? 0), 0);
    const share = (has: (term: string) => boolean) =>
      total === 0 ? 0 : terms.reduce((sum, term) => sum + (has(term) ? (rarity.get(term) ?? 0) : 0), 0) / total;
    return analysed.map(
      (passage) =>
        share((term) => passage.text.has(term)) +
        this.#weights.title * share((term) => passage.title.has(term)) +
        this.#weights.headingPath * share((term) => passage.headingPath.has(term)) +
        this.#weights.proximity * proximity(passage.text, rarity, total),
    );
  }
}

/**
 * The densest stretch of the text: the largest share of the query's weight (rarity-weighted distinct terms) found
 * within {@link proximityWindow} consecutive words.
 */
function proximity(
  text: ReadonlyMap<string, readonly number[]>,
  rarity: ReadonlyMap<string, number>,
  total: number,
): number {
  const occurrences: Array<{ position: number; term: string }> = [];
  for (const [term] of rarity) {
    for (const position of text.get(term) ?? []) occurrences.push({ position, term });
  }
  if (occurrences.length === 0 || total === 0) return 0;
  occurrences.sort((a, b) => a.position - b.position);
  const inWindow = new Map<string, number>();
  let weight = 0;
  let best = 0;
  let first = 0;
  for (const occurrence of occurrences) {
    const count = inWindow.get(occurrence.term) ?? 0;
    if (count === 0) weight += rarity.get(occurrence.term) ?? 0;
    inWindow.set(occurrence.term, count + 1);
    for (let start = occurrences[first]; start && occurrence.position - start.position >= proximityWindow; ) {
      const left = (inWindow.get(start.term) ?? 1) - 1;
      inWindow.set(start.term, left);
      if (left === 0) weight -= rarity.get(start.term) ?? 0;
      first++;
      start = occurrences[first];
    }
    best = Math.max(best, weight);
  }
  return best / total;
}
