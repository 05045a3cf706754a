import { type EmbeddingModel, embed } from "ai";
import type { RetrievalFilter, RetrievalMode } from "../contract";
import { platformLimits } from "../lib/platform-limits";
import type { VectorIndex } from "../vector/vector-index";
import type { ChunkScope, ChunkSearch } from "./chunk-search";
import { toFtsMatchQuery } from "./fts-query";
import { fuseByReciprocalRank } from "./reciprocal-rank-fusion";
import { defaultRetrievalSettings, type RetrievalSettings } from "./retrieval-settings";
import type { RetrievedChunk } from "./retrieved-chunk";
import { scopeVectorFilter } from "./scope-vector-filter";

export interface RetrievalDependencies {
  chunkSearch: ChunkSearch;
  vectorIndex: VectorIndex;
  embedding: EmbeddingModel;
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
}

// Vectorize answers at most 100 ids per query, so no ranker goes deeper than that.
const maxCandidates = platformLimits.vectorize.topK;
const spareCandidates = 10;

/**
 * Hybrid retrieval: the vector query and the FTS5 BM25 query run in parallel within the tenant's data (and
 * the filter), their rankings are fused by weighted reciprocal rank, and the best `topK` chunks are loaded
 * through the chunk search port. `mode` runs one ranker alone, for evaluation.
 */
export async function retrieveChunks(deps: RetrievalDependencies, request: RetrievalQuery): Promise<RetrievedChunk[]> {
  const scope: ChunkScope = { ...request.filter, excludedCollections: request.unreadableCollections };
  // A filter naming a collection the caller may not read finds what an empty collection would: nothing.
  if (scope.collection !== undefined && scope.excludedCollections.includes(scope.collection)) return [];
  const settings = deps.settings ?? defaultRetrievalSettings;
  const mode = request.mode ?? "hybrid";
  const candidates = Math.min(maxCandidates, Math.max(settings.candidates, request.topK));
  const match = toFtsMatchQuery(request.query);
  const [vectorIds, textIds] = await Promise.all([
    mode === "fts" ? Promise.resolve([]) : queryVectors(deps, request, scope, candidates),
    mode === "vector" || match === null
      ? Promise.resolve([])
      : deps.chunkSearch.searchFullText(request.tenantId, match, {
          limit: candidates,
          weights: settings.fullTextColumnWeights,
          scope,
        }),
  ]);
  // A few spare candidates cover vectors whose rows were just deleted (Vectorize deletes are eventual).
  const fused = fuseByReciprocalRank([textIds, vectorIds], {
    k: settings.rrfK,
    weights: [settings.fusionWeights.fullText, settings.fusionWeights.vector],
  }).slice(0, request.topK + spareCandidates);
  // Hydration re-checks the tenant and the scope, so a stray id from the vector index can never leak another
  // tenant's text, a collection the caller may not read, or step outside the filter.
  const hydrated = await deps.chunkSearch.hydrate(
    request.tenantId,
    fused.map((entry) => entry.id),
    scope,
  );
  const byId = new Map(hydrated.map((chunk) => [chunk.chunkId, chunk]));
  return fused
    .flatMap((entry) => {
      const chunk = byId.get(entry.id);
      return chunk ? [{ ...chunk, score: entry.score }] : [];
    })
    .slice(0, request.topK);
}

async function queryVectors(
  deps: RetrievalDependencies,
  request: RetrievalQuery,
  scope: ChunkScope,
  topK: number,
): Promise<string[]> {
  const { embedding } = await embed({ model: deps.embedding, value: request.query, maxRetries: 2 });
  const filter = scopeVectorFilter(scope);
  // Ids only: Vectorize allows topK 100 without metadata (20 with it), and the text comes from the chunk store anyway.
  const matches = await deps.vectorIndex.query(embedding, {
    namespace: request.tenantId,
    topK,
    returnMetadata: "none",
    ...(filter ? { filter } : {}),
  });
  return matches.map((match) => match.id);
}
