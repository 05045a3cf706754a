import type { FullTextColumnWeights } from "./chunk-search";

/** The knobs of hybrid retrieval; deployments set them with vars (see `readConfig`). */
export interface RetrievalSettings {
  /** Reciprocal rank fusion constant: larger values flatten the advantage of top ranks. */
  rrfK: number;
  /** How much each ranker's reciprocal ranks count in the fusion. */
  fusionWeights: { fullText: number; vector: number };
  /** BM25 weights of the title, heading path and text columns. */
  fullTextColumnWeights: FullTextColumnWeights;
  /** How many candidates each ranker contributes to the fusion (at most 100, Vectorize's topK limit). */
  candidates: number;
}

/** Defaults tuned on the SciFact train split (docs/benchmarks.md, "Retrieval"). */
export const defaultRetrievalSettings: RetrievalSettings = {
  // The offline hashing embedder is much weaker than BM25 on its own (train nDCG@10 0.556 vs 0.696), so the
  // vector ranking only breaks near-ties of the full-text ranking; wrangler.toml sets k = 60 and equal
  // weights for real embedding models.
  rrfK: 1,
  fusionWeights: { fullText: 1, vector: 0.15 },
  fullTextColumnWeights: { title: 2, headingPath: 2, text: 1 },
  candidates: 100,
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
