import { platformLimits } from "../lib/platform-limits";
import type { VectorQueryOptions } from "./vector-index";

const { topK: maxTopK, topKWithMetadata: maxTopKWithAllMetadata } = platformLimits.vectorize;

/**
 * The options both adapters send with a query, minus the namespace: a topK Vectorize would reject fails here,
 * before a round trip; with all metadata it is clamped to 20 rather than failing; and an empty filter, which
 * Vectorize rejects but which to the port means "no conditions", is sent as no filter.
 */
export function indexQueryOptions({
  topK,
  filter,
  returnMetadata,
}: VectorQueryOptions): Omit<VectorQueryOptions, "namespace"> {
  if (!Number.isInteger(topK) || topK < 1 || topK > maxTopK) {
    throw new RangeError(`topK must be an integer from 1 to ${maxTopK}, got ${topK}`);
  }
  return {
    topK: returnMetadata === "all" ? Math.min(topK, maxTopKWithAllMetadata) : topK,
    ...(filter !== undefined && Object.keys(filter).length > 0 ? { filter } : {}),
    ...(returnMetadata !== undefined ? { returnMetadata } : {}),
  };
}
