import type { LocalVectorIndex } from "./local-vector-index";
import { assertTopK, type VectorIndex } from "./vector-index";

// Vectorize takes at most 1000 vectors per upsert; the local index enforces the same limit.
const batchSize = 1000;
// Vectorize returns at most 20 matches with all metadata; both adapters clamp rather than fail.
const maxTopKWithAllMetadata = 20;

/**
 * The `VectorIndex` port backed by `LocalVectorIndex` Durable Objects, one per namespace (tenant), for
 * local development and tests where Vectorize does not exist.
 */
export function createLocalVectorStore(namespace: DurableObjectNamespace<LocalVectorIndex>): VectorIndex {
  const indexFor = (name: string) => namespace.getByName(name);
  return {
    async upsert(name, vectors) {
      const index = indexFor(name);
      for (const batch of inBatches(vectors)) await index.upsert(batch);
    },
    async query(vector, { namespace: name, topK, filter, returnMetadata }) {
      assertTopK(topK);
      return indexFor(name).query(vector, {
        topK: returnMetadata === "all" ? Math.min(topK, maxTopKWithAllMetadata) : topK,
        // Like Vectorize, the index rejects an empty filter object; to the port it means "no conditions".
        ...(filter !== undefined && Object.keys(filter).length > 0 ? { filter } : {}),
        ...(returnMetadata !== undefined ? { returnMetadata } : {}),
      });
    },
    async deleteByIds(name, ids) {
      const index = indexFor(name);
      for (const batch of inBatches(ids)) await index.deleteByIds(batch);
    },
  };
}

function inBatches<Item>(items: Item[]): Item[][] {
  const batches: Item[][] = [];
  for (let start = 0; start < items.length; start += batchSize) batches.push(items.slice(start, start + batchSize));
  return batches;
}
