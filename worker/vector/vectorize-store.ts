import { assertTopK, type VectorIndex, type VectorMatch, type VectorMetadata } from "./vector-index";

// Vectorize's per-call limit for upserts and deletes through a Worker binding.
const batchSize = 1000;
// Vectorize rejects topK above 20 when all metadata is returned; clamping keeps callers simple.
const maxTopKWithAllMetadata = 20;

/**
 * The `VectorIndex` port on Cloudflare Vectorize. Each tenant is a namespace; vector ids are global to the
 * index (they embed the document id), which is why deletes need no namespace. Writes are asynchronous in
 * Vectorize: an upsert is visible to queries only after Vectorize has processed the mutation.
 */
export function createVectorizeStore(index: VectorizeIndex): VectorIndex {
  return {
    async upsert(namespace, vectors) {
      for (const batch of inBatches(vectors)) {
        await index.upsert(
          batch.map(({ id, values, metadata }) => ({ id, values, namespace, ...(metadata ? { metadata } : {}) })),
        );
      }
    },
    async query(vector, { namespace, topK, filter, returnMetadata }) {
      assertTopK(topK);
      const result = await index.query(vector, {
        namespace,
        topK: returnMetadata === "all" ? Math.min(topK, maxTopKWithAllMetadata) : topK,
        // Vectorize rejects an empty filter object, so "no conditions" is sent as no filter.
        ...(filter !== undefined && Object.keys(filter).length > 0 ? { filter } : {}),
        ...(returnMetadata !== undefined ? { returnMetadata } : {}),
      });
      return result.matches.map(toVectorMatch);
    },
    async deleteByIds(_namespace, ids) {
      for (const batch of inBatches(ids)) await index.deleteByIds(batch);
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
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") result[key] = value;
  }
  return result;
}

function inBatches<Item>(items: Item[]): Item[][] {
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += batchSize) batches.push(items.slice(start, start + batchSize));
  return batches;
}
