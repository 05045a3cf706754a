import type { RetrievalSettings } from "../contract";

export type { RetrievalSettings };

/** Defaults tuned on the SciFact train split (docs/benchmarks.md, "Retrieval"). */
export const defaultRetrievalSettings: RetrievalSettings = {
  // The offline hashing embedder is much weaker than BM25 on its own (train nDCG@10 0.556 vs 0.696), so the
  // vector ranking only breaks near-ties of the full-text ranking; wrangler.toml sets k = 60 and equal
  // weights for real embedding models.
  rrfK: 1,
  fusionWeights: { fullText: 1, vector: 0.15 },
  fullTextColumnWeights: { title: 2, headingPath: 2, text: 1 },
  // A flat BM25 view beside the column-weighted one gained nothing on train (0.7068 and 0.7078 against 0.7072).
  flatFullTextWeight: 0,
  // Each ranker's depth for a question asking at most this many passages (more are ranked when more are asked, as
  // the eval's 100 are). Chat asks 6; fusion, feedback (40 passages) and reranking (30) need no more: on SciFact
  // train at top 10, nDCG@10 0.7091 at 40 against 0.7095 at 100 (0.7090 at 20), with the full-text and vector
  // queries 2.1 and 1.5 ms faster (docs/benchmarks.md, "How deep the rankers go").
  candidates: 40,
  // RM3 from the best 3 passages, fused at a quarter weight; Rocchio on the hashing embedder gained nothing on train
  // (0.7070), so the vector side is left off offline and no feedback passage is embedded.
  feedback: { chunks: 3, weight: 0.25, expansionTerms: 10, originalQueryWeight: 0.6, vectorShift: 0 },
  // The lexical reranker's order over the best 30, at a quarter weight: more weight lost (0.5: 0.7069).
  reranking: { candidates: 30, weight: 0.25 },
};

// A passage that no ranker placed in its top this many counts as not found (the floor below).
const floorRank = 20;

/**
 * The least fused score a passage needs to be given to the answer model: what a passage ranked 20th by one ranker
 * alone gets from the ranker of least (non-zero) weight. Deliberately conservative: with the default top 6 it rarely
 * removes a passage, only the tail of a ranking that one weak ranker holds; a generative model's prompt, and the
 * offline model's coverage test, do the real work of declining (docs/benchmarks.md, "Grounding").
 */
export function minimumFusedScore(settings: RetrievalSettings): number {
  const weights = [settings.fusionWeights.fullText, settings.fusionWeights.vector].filter((weight) => weight > 0);
  return weights.length === 0 ? 0 : Math.min(...weights) / (settings.rrfK + floorRank);
}
