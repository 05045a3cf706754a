import { type EmbeddingModel, embed, embedMany } from "ai";
import type { RetrievalFilter, RetrievalMode, RetrievalStageTimings } from "../contract";
import { platformLimits } from "../lib/platform-limits";
import type { VectorIndex } from "../vector/vector-index";
import { rankByCandidateBm25 } from "./candidate-bm25";
import type { ChunkScope, ChunkSearch, StoredChunk } from "./chunk-search";
import { toFtsMatchQuery } from "./fts-query";
import type { PassageReranker } from "./passage-reranker";
import { passageText } from "./passage-text";
import { type FusedResult, fuseByReciprocalRank } from "./reciprocal-rank-fusion";
import { expandQuery, shiftTowardsFeedback } from "./relevance-feedback";
import { defaultRetrievalSettings, type RetrievalSettings } from "./retrieval-settings";
import { timeStage } from "./retrieval-stages";
import type { RetrievedChunk } from "./retrieved-chunk";
import { scopeVectorFilter } from "./scope-vector-filter";

export interface RetrievalDependencies {
  chunkSearch: ChunkSearch;
  vectorIndex: VectorIndex;
  embedding: EmbeddingModel;
  /** Reorders the best fused candidates (`settings.reranking`); none: the fused order stands. */
  reranker?: PassageReranker | null | undefined;
  /** Defaults to {@link defaultRetrievalSettings}. */
  settings?: RetrievalSettings;
}

export interface RetrievalQuery {
  tenantId: string;
  query: string;
  topK: number;
  filter?: RetrievalFilter | undefined;
  /** Which rankers to use; "hybrid" (the default) fuses both. */
  mode?: RetrievalMode | undefined;
  /**
   * The collections the caller may not read (`unreadableCollections`): no ranker sees them and hydration drops them,
   * whatever the filter says.
   */
  unreadableCollections: readonly string[];
  /** Where the time of each stage is added up, when the caller reports it. */
  stageTimings?: RetrievalStageTimings | undefined;
}

// Vectorize answers at most 100 ids per query, so no ranker goes deeper than that.
const maxCandidates = platformLimits.vectorize.topK;
const spareCandidates = 10;
// How many of the first pass's best passages feedback's expanded query rescores: on SciFact train 30 to 100 rank
// alike (docs/benchmarks.md, "Feedback ranks the candidates in the Worker"), and 40 are what chat loads anyway.
const feedbackCandidates = 40;

/**
 * Hybrid retrieval: the vector query and the FTS5 BM25 query run in parallel within the tenant's data (and
 * the filter), their rankings are fused by weighted reciprocal rank, and the best `topK` chunks are loaded
 * through the chunk search port. Optional stages (see {@link RetrievalSettings}): a flat-weighted BM25 view fused
 * beside the column-weighted one, pseudo-relevance feedback that ranks the first pass's best candidates again by
 * what its best passages say, and a reranker over the best fused candidates. `mode` runs one ranker alone, for evaluation.
 */
export async function retrieveChunks(deps: RetrievalDependencies, request: RetrievalQuery): Promise<RetrievedChunk[]> {
  const scope: ChunkScope = { ...request.filter, excludedCollections: request.unreadableCollections };
  // A filter naming a collection the caller may not read finds what an empty collection would: nothing.
  if (scope.collection !== undefined && scope.excludedCollections.includes(scope.collection)) return [];
  const settings = deps.settings ?? defaultRetrievalSettings;
  const ranking: Ranking = {
    deps,
    request,
    scope,
    settings,
    mode: request.mode ?? "hybrid",
    candidates: Math.min(maxCandidates, Math.max(settings.candidates, request.topK)),
  };
  const timings = request.stageTimings;
  const firstPass = await timeStage(timings, "search", async () => {
    // The full-text query does not wait for the embedding.
    const queryVector =
      ranking.mode === "fts"
        ? Promise.resolve(null)
        : timeStage(timings, "embed", () => embedQuery(deps.embedding, request.query));
    const rankings = await rank(ranking, toFtsMatchQuery(request.query), queryVector, timings);
    return { queryVector: await queryVector, rankings };
  });
  const { feedback, reranking } = settings;
  const reranker = reranking.candidates > 0 && reranking.weight > 0 ? deps.reranker : null;
  // A few spare candidates cover vectors whose rows were just deleted (Vectorize deletes are eventual).
  const loadCount = Math.max(request.topK, reranker ? reranking.candidates : 0) + spareCandidates;
  let rankings = firstPass.rankings;
  const known = new Map<string, StoredChunk | null>();
  if (feedback.chunks > 0 && feedback.weight > 0) {
    rankings = await timeStage(timings, "feedback", async () => {
      // The passages the answer will most likely be given are loaded with the feedback's own: feedback only reorders
      // near-ties, so the final hydration finds nearly all of them here and usually has nothing left to load, one
      // round trip fewer on the way to the first token.
      const head = fuse(firstPass.rankings, settings).slice(
        0,
        Math.max(feedback.chunks, feedbackCandidates, loadCount),
      );
      const passages = await hydrateInOrder(ranking, head, known);
      return rankingsWithFeedback(ranking, firstPass.rankings, firstPass.queryVector, passages);
    });
  }
  const fused = await timeStage(timings, "fusion", async () => fuse(rankings, settings));
  const hydrated = await timeStage(timings, "hydrate", () => hydrateInOrder(ranking, fused.slice(0, loadCount), known));
  const ordered = reranker ? await timeStage(timings, "rerank", () => rerank(reranker, ranking, hydrated)) : hydrated;
  return ordered.slice(0, request.topK);
}

// The multi-view BM25's second view: every column alike.
const flatColumnWeights = { title: 1, headingPath: 1, text: 1 };

/** One retrieval's inputs, as the stages below share them. */
interface Ranking {
  deps: RetrievalDependencies;
  request: RetrievalQuery;
  scope: ChunkScope;
  settings: RetrievalSettings;
  mode: RetrievalMode;
  candidates: number;
}

/** One ranker's ids, best first, and how much its reciprocal ranks count in the fusion. */
interface WeightedRanking {
  ids: string[];
  weight: number;
}

/**
 * The first pass: the rankers' results for the query's full-text match and vector (either may be absent); `timings`
 * gets the time of the full-text and vector queries when given.
 */
async function rank(
  ranking: Ranking,
  match: string | null,
  vector: Promise<number[] | null>,
  timings?: RetrievalStageTimings,
): Promise<WeightedRanking[]> {
  const { deps, request, scope, settings, mode, candidates } = ranking;
  const fullText = (weights: RetrievalSettings["fullTextColumnWeights"]) =>
    mode === "vector" || match === null
      ? Promise.resolve([])
      : deps.chunkSearch.searchFullText(request.tenantId, match, { limit: candidates, weights, scope });
  const [[columnWeighted, flatWeighted], vectorIds] = await Promise.all([
    timeStage(timings, "fullTextQuery", () =>
      Promise.all([
        fullText(settings.fullTextColumnWeights),
        settings.flatFullTextWeight > 0 ? fullText(flatColumnWeights) : Promise.resolve([]),
      ]),
    ),
    vector.then((values) =>
      values === null
        ? []
        : timeStage(timings, "vectorQuery", () =>
            queryVectors(deps.vectorIndex, request.tenantId, scope, values, candidates),
          ),
    ),
  ]);
  return [
    { ids: columnWeighted, weight: settings.fusionWeights.fullText },
    { ids: flatWeighted, weight: settings.flatFullTextWeight },
    { ids: vectorIds, weight: settings.fusionWeights.vector },
  ];
}

function fuse(rankings: readonly WeightedRanking[], settings: RetrievalSettings): FusedResult[] {
  return fuseByReciprocalRank(
    rankings.map((ranking) => ranking.ids),
    { k: settings.rrfK, weights: rankings.map((ranking) => ranking.weight) },
  );
}

/**
 * Pseudo-relevance feedback: the first pass's best passages are taken as relevant. Their words expand the query (RM3),
 * and the expanded query ranks the first pass's best {@link feedbackCandidates} passages by BM25 over those passages
 * (in memory: a second full-text query over the index cost more than the first and ranked no better); the query
 * vector moved towards theirs (Rocchio) queries the vector index again. The new rankings join the first pass's,
 * counting `feedback.weight` as much, to be fused.
 */
async function rankingsWithFeedback(
  ranking: Ranking,
  firstPass: WeightedRanking[],
  queryVector: number[] | null,
  firstPassPassages: RetrievedChunk[],
): Promise<WeightedRanking[]> {
  const { deps, request, settings, mode, scope, candidates } = ranking;
  const { feedback } = settings;
  const passages = firstPassPassages.slice(0, feedback.chunks);
  if (passages.length === 0) return firstPass;
  const expanded =
    feedback.expansionTerms > 0 && mode !== "vector" ? expandQuery(request.query, passages, feedback) : [];
  const rescored = firstPassPassages.slice(0, feedbackCandidates);
  const fullText = (weights: RetrievalSettings["fullTextColumnWeights"], weight: number) =>
    weight > 0 ? rankByCandidateBm25(expanded, rescored, weights) : [];
  const shifted =
    queryVector !== null && feedback.vectorShift > 0
      ? shiftTowardsFeedback(
          queryVector,
          (await embedMany({ model: deps.embedding, values: passages.map(passageText), maxRetries: 2 })).embeddings,
          feedback.vectorShift,
        )
      : null;
  const secondPass: WeightedRanking[] = [
    {
      ids: fullText(settings.fullTextColumnWeights, settings.fusionWeights.fullText),
      weight: settings.fusionWeights.fullText,
    },
    { ids: fullText(flatColumnWeights, settings.flatFullTextWeight), weight: settings.flatFullTextWeight },
    {
      ids: shifted === null ? [] : await queryVectors(deps.vectorIndex, request.tenantId, scope, shifted, candidates),
      weight: settings.fusionWeights.vector,
    },
  ];
  return [...firstPass, ...secondPass.map((entry) => ({ ...entry, weight: entry.weight * feedback.weight }))];
}

/**
 * Reranking: the reranker scores the best `reranking.candidates` passages, and its order is fused with the fused
 * order (reciprocal ranks, the reranker's counting `reranking.weight` times as much). The passage at each rank takes
 * the fused score of that rank, so scores still fall with rank and the grounding floor keeps its meaning.
 */
async function rerank(
  reranker: PassageReranker,
  { request, settings }: Ranking,
  passages: RetrievedChunk[],
): Promise<RetrievedChunk[]> {
  const head = passages.slice(0, settings.reranking.candidates);
  const scores = await reranker.score(request.query, head);
  const byScore = head
    .map((passage, index) => ({ id: passage.chunkId, score: scores[index] ?? Number.NEGATIVE_INFINITY, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.id);
  const order = fuseByReciprocalRank([head.map((passage) => passage.chunkId), byScore], {
    k: settings.rrfK,
    weights: [1, settings.reranking.weight],
  });
  const byId = new Map(head.map((passage) => [passage.chunkId, passage]));
  const reranked = order.flatMap((entry, rank) => {
    const passage = byId.get(entry.id);
    return passage ? [{ ...passage, score: head[rank]?.score ?? passage.score }] : [];
  });
  return [...reranked, ...passages.slice(head.length)];
}

/**
 * The passages of these fused results, in their order, with their fused scores. Hydration re-checks the tenant and
 * the scope, so a stray id from the vector index can never leak another tenant's text, a collection the caller may
 * not read, or step outside the filter. `known` holds what this retrieval asked for before (null: not found), and
 * gains what is asked for now: only the other ids are loaded, and nothing when there are none.
 */
async function hydrateInOrder(
  { deps, request, scope }: Ranking,
  results: FusedResult[],
  known: Map<string, StoredChunk | null> = new Map(),
): Promise<RetrievedChunk[]> {
  const missing = results.map((entry) => entry.id).filter((id) => !known.has(id));
  if (missing.length > 0) {
    for (const id of missing) known.set(id, null);
    const loaded = await deps.chunkSearch.hydrate(request.tenantId, missing, scope);
    for (const chunk of loaded) known.set(chunk.chunkId, chunk);
  }
  return results.flatMap((entry) => {
    const chunk = known.get(entry.id);
    return chunk ? [{ ...chunk, score: entry.score }] : [];
  });
}

async function embedQuery(model: EmbeddingModel, query: string): Promise<number[]> {
  const { embedding } = await embed({ model, value: query, maxRetries: 2 });
  return embedding;
}

async function queryVectors(
  vectorIndex: VectorIndex,
  tenantId: string,
  scope: ChunkScope,
  vector: number[],
  topK: number,
): Promise<string[]> {
  const filter = scopeVectorFilter(scope);
  // Ids only: Vectorize allows topK 100 without metadata (20 with it), and the text comes from the chunk store anyway.
  const matches = await vectorIndex.query(vector, {
    namespace: tenantId,
    topK,
    returnMetadata: "none",
    ...(filter ? { filter } : {}),
  });
  return matches.map((match) => match.id);
}
