import { platformLimits } from "../lib/platform-limits";
import type { VectorFilter } from "../vector/vector-index";
import { jsonByteLength } from "../vector/vector-record-validation";
import type { ChunkScope } from "./chunk-search";

/**
 * The vector query's metadata filter for a scope (`documentId` and `collection` are the indexed metadata every chunk
 * vector carries): the filter's collection or documents, and no vector of an excluded collection.
 *
 * Excluded collections are a `$nin` list: it names only the restricted collections the caller may not read, which
 * the request already knows, where `$in` would need every collection in use. Vectorize refuses a filter of 2 KB or
 * more; a list too long for it is left out, and hydration, which checks every passage against the excluded
 * collections in D1, drops them instead (the vector ranker then finds fewer of the caller's own passages).
 */
export function scopeVectorFilter(scope: ChunkScope): VectorFilter | undefined {
  const withoutExclusion: VectorFilter = {};
  if (scope.collection !== undefined) withoutExclusion.collection = { $eq: scope.collection };
  if (scope.documentIds !== undefined) withoutExclusion.documentId = { $in: scope.documentIds };
  // A named collection is one the caller may read (retrieval answers nothing otherwise): nothing else to exclude.
  const excluded = scope.collection === undefined ? scope.excludedCollections : [];
  const filter: VectorFilter =
    excluded.length > 0 ? { ...withoutExclusion, collection: { $nin: [...excluded] } } : withoutExclusion;
  const fits = jsonByteLength(filter) < platformLimits.vectorize.filterBytes;
  const chosen = fits ? filter : withoutExclusion;
  return Object.keys(chosen).length > 0 ? chosen : undefined;
}
