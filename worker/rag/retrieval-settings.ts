import { z } from "zod";

const weight = z.number().min(0).max(100);
const count = (max: number) => z.number().int().min(0).max(max);

/**
 * The knobs of hybrid retrieval; deployments set them with vars (see `readConfig`), and an admin's search may
 * replace whole groups of them for one request (`retrieval` in `POST /api/search`), which is how the eval tries a
 * stage on or off without restarting the server.
 */
export const retrievalSettingsSchema = z.object({
  /** Reciprocal rank fusion constant: larger values flatten the advantage of top ranks. */
  rrfK: z.number().min(0).max(1000),
  /** How much each ranker's reciprocal ranks count in the fusion. */
  fusionWeights: z.object({ fullText: weight, vector: weight }),
  /** BM25 weights of the title, heading path and text columns. */
  fullTextColumnWeights: z.object({ title: weight, headingPath: weight, text: weight }),
  /**
   * Multi-view BM25: a second full-text ranking with every column weighted alike, fused with this weight beside the
   * column-weighted one; 0 leaves it out.
   */
  flatFullTextWeight: weight,
  /** How many candidates each ranker contributes to the fusion (at most 100, Vectorize's topK limit). */
  candidates: z.number().int().min(1).max(100),
  /**
   * Pseudo-relevance feedback: the best `chunks` of a first pass are taken as relevant; their `expansionTerms` most
   * typical words expand the full-text query (RM3), the original words keeping `originalQueryWeight` of its weight,
   * and the query vector moves towards their mean by `vectorShift` (Rocchio). The rankers' new rankings are fused
   * beside the first ones, counting `weight` times as much. 0 chunks or weight turns feedback off; 0 terms or 0
   * shift leaves out one side.
   */
  feedback: z.object({
    chunks: count(10),
    weight,
    expansionTerms: count(40),
    originalQueryWeight: z.number().min(0).max(1),
    vectorShift: weight,
  }),
  /**
   * Reranking: the best `candidates` fused passages are scored by the reranker, and its order is fused with the
   * fused order, counting `weight` times as much; 0 candidates turns it off.
   */
  reranking: z.object({ candidates: count(100), weight }),
});
export type RetrievalSettings = z.infer<typeof retrievalSettingsSchema>;

/** A search's replacements for whole groups of settings (admins only). */
export const retrievalSettingsOverrideSchema = retrievalSettingsSchema.partial().strict();
export type RetrievalSettingsOverride = z.infer<typeof retrievalSettingsOverrideSchema>;

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
  candidates: 100,
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
