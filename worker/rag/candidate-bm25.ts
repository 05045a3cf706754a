import type { RetrievalSettings } from "../contract";
import type { FeedbackPassage, WeightedTerm } from "./relevance-feedback";
import { stemCount, stemWord, textTerms } from "./text-tokens";

/** A passage as {@link rankByCandidateBm25} reads it: the fields feedback reads, and its id. */
export type CandidatePassage = FeedbackPassage & { chunkId: string };

// FTS5's bm25() constants.
const k1 = 1.2;
const b = 0.75;

/**
 * The passages that contain any of the terms, best first by BM25 with FTS5's `bm25()` constants (k1 1.2, b 0.75;
 * a term's frequency counts each field's occurrences times the field's weight; a passage's length is its words in
 * all fields; each term also counts its weight), and the rest left out. Unlike `bm25()`, the statistics (how many
 * passages hold a term, their mean length) are those of the given passages, not of the whole index: that is what lets
 * pseudo-relevance feedback rescore the first pass's candidates in memory instead of querying the index again, and on
 * SciFact train it ranks as well (docs/benchmarks.md, "Feedback ranks the candidates in the Worker"). The idf is
 * Lucene's, log(1 + (N − n + 0.5) / (n + 0.5)), always above 0: FTS5's form floors any term in half the passages or
 * more, as the query's own words mostly are among its candidates, and would rank a small tenant's few passages by
 * nothing. Words are matched by stem ({@link stemWord}). Ties keep the passages' order.
 */
export function rankByCandidateBm25(
  terms: readonly WeightedTerm[],
  passages: readonly CandidatePassage[],
  columnWeights: RetrievalSettings["fullTextColumnWeights"],
): string[] {
  const termWeights = new Map<string, number>();
  for (const { term, weight } of terms) {
    if (weight <= 0) continue;
    const stem = stemWord(term);
    termWeights.set(stem, (termWeights.get(stem) ?? 0) + weight);
  }
  if (termWeights.size === 0 || passages.length === 0) return [];

  const analysed = passages.map((passage) => {
    const frequencies = new Map<string, number>();
    let length = 0;
    for (const [field, fieldWeight] of [
      [passage.title, columnWeights.title],
      [passage.headingPath, columnWeights.headingPath],
      [passage.text, columnWeights.text],
    ] as const) {
      const terms = textTerms(field);
      length += terms.wordCount;
      for (const stem of termWeights.keys()) {
        const count = stemCount(terms, stem);
        if (count > 0) frequencies.set(stem, (frequencies.get(stem) ?? 0) + count * fieldWeight);
      }
    }
    return { chunkId: passage.chunkId, frequencies, length };
  });

  const count = analysed.length;
  const meanLength = Math.max(1, analysed.reduce((sum, passage) => sum + passage.length, 0) / count);
  const idf = new Map(
    [...termWeights.keys()].map((stem) => {
      const holding = analysed.filter((passage) => passage.frequencies.has(stem)).length;
      return [stem, Math.log(1 + (count - holding + 0.5) / (holding + 0.5))];
    }),
  );
  return analysed
    .filter((passage) => passage.frequencies.size > 0)
    .map((passage, index) => {
      const lengthNorm = k1 * (1 - b + (b * passage.length) / meanLength);
      let score = 0;
      for (const [stem, frequency] of passage.frequencies) {
        score +=
          ((termWeights.get(stem) ?? 0) * (idf.get(stem) ?? 0) * frequency * (k1 + 1)) / (frequency + lengthNorm);
      }
      return { chunkId: passage.chunkId, score, index };
    })
    .sort((x, y) => y.score - x.score || x.index - y.index)
    .map((passage) => passage.chunkId);
}
