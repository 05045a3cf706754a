import type { RetrievalStageTimings } from "../../worker/contract.ts";

/**
 * The retrieval stages the server reports (`data-timings`, `POST /api/search`'s `timings` and `Server-Timing`), in
 * the order they run, with the label a benchmark prints for each; the first pass's parts run in parallel.
 */
export const retrievalStageLabels: ReadonlyArray<readonly [stage: keyof RetrievalStageTimings, label: string]> = [
  ["search", "first pass (the rankers)"],
  ["embed", "  embed the query"],
  ["vectorQuery", "  vector query (→ index object)"],
  ["fullTextQuery", "  full-text query (→ D1)"],
  ["feedback", "pseudo-relevance feedback"],
  ["fusion", "fusion"],
  ["hydrate", "hydration (→ D1)"],
  ["rerank", "reranking"],
];
