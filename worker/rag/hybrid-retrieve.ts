import { type EmbeddingModel, embed } from "ai";
import { hydrateChunks, searchChunksFullText } from "../db/chunks";
import type { Db } from "../db/client";
import type { VectorIndex } from "../vector/vector-index";
import { toFtsMatchQuery } from "./fts-query";
import { fuseByReciprocalRank } from "./reciprocal-rank-fusion";
import type { RetrievedChunk } from "./retrieved-chunk";

export interface RetrievalDependencies {
  db: Db;
  vectorIndex: VectorIndex;
  embedding: EmbeddingModel;
}

export interface RetrievalQuery {
  tenantId: string;
  query: string;
  topK: number;
}

/** Each ranker contributes this many candidates to the fusion. */
const candidatesPerRanker = 50;
const spareCandidates = 10;

/**
 * Hybrid retrieval: the vector query and the FTS5 BM25 query run in parallel within the tenant's data,
 * their rankings are fused by reciprocal rank, and the best `topK` chunks are loaded from D1.
 */
export async function retrieveChunks(deps: RetrievalDependencies, request: RetrievalQuery): Promise<RetrievedChunk[]> {
  const match = toFtsMatchQuery(request.query);
  const [vectorIds, textIds] = await Promise.all([
    embed({ model: deps.embedding, value: request.query, maxRetries: 2 }).then(({ embedding }) =>
      deps.vectorIndex
        .query(embedding, { namespace: request.tenantId, topK: candidatesPerRanker, returnMetadata: "none" })
        .then((matches) => matches.map((match) => match.id)),
    ),
    match ? searchChunksFullText(deps.db, request.tenantId, match, candidatesPerRanker) : Promise.resolve([]),
  ]);
  // A few spare candidates cover vectors whose rows were just deleted (Vectorize deletes are eventual).
  const fused = fuseByReciprocalRank([vectorIds, textIds]).slice(0, request.topK + spareCandidates);
  // Hydration re-checks the tenant, so a stray id from the vector index can never leak another tenant's text.
  const byId = new Map(
    (
      await hydrateChunks(
        deps.db,
        request.tenantId,
        fused.map((entry) => entry.id),
      )
    ).map((chunk) => [chunk.chunkId, chunk]),
  );
  return fused
    .flatMap((entry) => {
      const chunk = byId.get(entry.id);
      return chunk ? [{ ...chunk, score: entry.score }] : [];
    })
    .slice(0, request.topK);
}
