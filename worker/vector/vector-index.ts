/** Metadata stored with each vector; `documentId` and `collection` are indexed for filters. */
export type VectorMetadata = Record<string, string | number | boolean>;

export interface VectorRecord {
  id: string;
  values: number[];
  metadata?: VectorMetadata;
}

export interface VectorMatch {
  id: string;
  score: number;
  metadata?: VectorMetadata;
}

/** Vectorize's metadata filter: `{field: value}` (implicit `$eq`) or `{field: {$eq|$ne|$in|$nin: ...}}`. */
export type VectorFilter = Record<
  string,
  | string
  | number
  | boolean
  | { $eq: string | number | boolean }
  | { $ne: string | number | boolean }
  | { $in: Array<string | number | boolean> }
  | { $nin: Array<string | number | boolean> }
>;

export interface VectorQueryOptions {
  namespace: string;
  topK: number;
  filter?: VectorFilter;
  returnMetadata?: "none" | "indexed" | "all";
}

/**
 * The port every vector store implements: Vectorize in production, `LocalVectorIndex` offline.
 * Each tenant is one namespace; scores are cosine similarity, highest first.
 */
export interface VectorIndex {
  upsert(namespace: string, vectors: VectorRecord[]): Promise<void>;
  query(vector: number[], options: VectorQueryOptions): Promise<VectorMatch[]>;
  deleteByIds(namespace: string, ids: string[]): Promise<void>;
}
