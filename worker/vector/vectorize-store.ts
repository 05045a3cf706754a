import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import { indexQueryOptions } from "./index-query-options";
import type { VectorIndex, VectorMatch, VectorMetadata } from "./vector-index";
import { isMetadataValue } from "./vector-record-validation";

/**
 * The `VectorIndex` port on Cloudflare Vectorize. Each tenant is a namespace; vector ids are global to the
 * index (they embed the document id), which is why deletes need no namespace. Writes are asynchronous in
 * Vectorize: an upsert is visible to queries only after Vectorize has processed the mutation.
 */
export function createVectorizeStore(index: VectorizeIndex): VectorIndex {
  return {
    async upsert(namespace, vectors) {
      for (const batch of inGroups(vectors, platformLimits.vectorize.writeBatch)) {
        await index.upsert(
          batch.map(({ id, values, metadata }) => ({ id, values, namespace, ...(metadata ? { metadata } : {}) })),
        );
      }
    },
    async query(vector, options) {
      const result = await index.query(vector, { namespace: options.namespace, ...indexQueryOptions(options) });
      return result.matches.map(toVectorMatch);
    },
    async deleteByIds(_namespace, ids) {
      for (const batch of inGroups(ids, platformLimits.vectorize.writeBatch)) await index.deleteByIds(batch);
    },
  };
}

function toVectorMatch(match: VectorizeMatch): VectorMatch {
  if (match.metadata === undefined) return { id: match.id, score: match.score };
  return { id: match.id, score: match.score, metadata: toVectorMetadata(match.metadata) };
}

// Vectorize metadata may hold string lists and nested objects; this app only ever writes flat scalars.
function toVectorMetadata(metadata: Record<string, VectorizeVectorMetadata>): VectorMetadata {
  const result: VectorMetadata = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (isMetadataValue(value)) result[key] = value;
  }
  return result;
}
