import type { RetrievalStageTimings } from "../contract";

/**
 * The stages of retrieval whose time is reported (`data-timings`, `POST /api/search` and its `Server-Timing`): the
 * first pass of the rankers (`search`, and within it embedding, the vector and the full-text queries),
 * pseudo-relevance feedback (loading the feedback passages and querying again), fusion of the rankings, hydration of
 * the candidates, and reranking. A stage run several times (one per part of a question) adds up.
 */
export type RetrievalStage = keyof RetrievalStageTimings;

/** Runs `work`, adding its time to `stage` in `timings` (when given). */
export async function timeStage<T>(
  timings: RetrievalStageTimings | undefined,
  stage: RetrievalStage,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    if (timings) timings[stage] = (timings[stage] ?? 0) + (performance.now() - started);
  }
}
