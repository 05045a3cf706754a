import type { FullTextColumnWeights } from "../db/chunks";

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
  rrfK: 60,
  fusionWeights: { fullText: 1, vector: 1 },
  fullTextColumnWeights: { title: 2, headingPath: 2, text: 1 },
  candidates: 100,
};
