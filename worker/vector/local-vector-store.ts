import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import { indexQueryOptions } from "./index-query-options";
import type { LocalVectorIndex } from "./local-vector-index";
import type { VectorIndex } from "./vector-index";

/**
 * The `VectorIndex` port backed by `LocalVectorIndex` Durable Objects, one per namespace (tenant), for
 * local development and tests where Vectorize does not exist. Writes go in Vectorize's batches, which the
 * local index enforces too.
 */
export function createLocalVectorStore(namespace: DurableObjectNamespace<LocalVectorIndex>): VectorIndex {
  const indexFor = (name: string) => namespace.getByName(name);
  return {
    async upsert(name, vectors) {
      const index = indexFor(name);
      for (const batch of inGroups(vectors, platformLimits.vectorize.writeBatch)) await index.upsert(batch);
    },
    async query(vector, options) {
      return indexFor(options.namespace).query(vector, indexQueryOptions(options));
    },
    async deleteByIds(name, ids) {
      const index = indexFor(name);
      for (const batch of inGroups(ids, platformLimits.vectorize.writeBatch)) await index.deleteByIds(batch);
    },
  };
}
