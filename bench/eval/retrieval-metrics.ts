/**
 * Retrieval metrics with the standard BEIR definitions (pytrec_eval / trec_eval): graded relevance with linear
 * gains, log2 rank discount, and only judgements above zero counted as relevant.
 */

/** Relevance grades of one query's judged documents, by document id. */
export type Judgements = ReadonlyMap<string, number>;

/** nDCG@k: DCG of the ranking's top k over the DCG of the ideal ordering of all judged documents, cut at k. */
export function ndcgAtK(ranking: readonly string[], judgements: Judgements, k: number): number {
  const gains = [...judgements.values()].filter((grade) => grade > 0).sort((a, b) => b - a);
  const ideal = discountedGain(gains.slice(0, k));
  if (ideal === 0) return 0;
  const actual = discountedGain(ranking.slice(0, k).map((id) => Math.max(0, judgements.get(id) ?? 0)));
  return actual / ideal;
}

/** Recall@k: the share of the relevant documents that appear in the ranking's top k. */
export function recallAtK(ranking: readonly string[], judgements: Judgements, k: number): number {
  const relevant = relevantIds(judgements);
  if (relevant.size === 0) return 0;
  const found = new Set(ranking.slice(0, k).filter((id) => relevant.has(id)));
  return found.size / relevant.size;
}

/** Reciprocal rank of the first relevant document within the top k, 0 when there is none (MRR@k per query). */
export function reciprocalRankAtK(ranking: readonly string[], judgements: Judgements, k: number): number {
  const relevant = relevantIds(judgements);
  const index = ranking.slice(0, k).findIndex((id) => relevant.has(id));
  return index === -1 ? 0 : 1 / (index + 1);
}

/** The p-th percentile (0–100) by the nearest-rank method; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The arithmetic mean; 0 for no values. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function discountedGain(gains: readonly number[]): number {
  return gains.reduce((sum, gain, index) => sum + gain / Math.log2(index + 2), 0);
}

function relevantIds(judgements: Judgements): Set<string> {
  return new Set([...judgements].filter(([, grade]) => grade > 0).map(([id]) => id));
}
