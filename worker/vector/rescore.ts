import { cosineSimilarity } from "./cosine-similarity";
import type { Candidate } from "./quantized-matrix";
import { TopK } from "./top-k";

/** A candidate with its exact cosine similarity. */
export interface RescoredMatch extends Omit<Candidate, "approximateScore"> {
  score: number;
}

/**
 * The `topK` of `candidates` by their exact cosine similarity to `query`, computed from the float values
 * `storedValues` gives (a candidate it has none for is left out), best first, ties by id.
 */
export function rescore(
  query: Float32Array,
  candidates: readonly Candidate[],
  storedValues: (id: string) => Float32Array | undefined,
  topK: number,
): RescoredMatch[] {
  const best = new TopK(topK, (position) => candidates[position]?.id ?? "");
  candidates.forEach((candidate, position) => {
    const values = storedValues(candidate.id);
    if (values !== undefined) best.offer(cosineSimilarity(query, values), position);
  });
  return best.sorted().flatMap(({ score, entry }) => {
    const candidate = candidates[entry];
    return candidate === undefined ? [] : [{ id: candidate.id, score, metadata: candidate.metadata }];
  });
}
