import type { RetrievalFilter } from "../contract";
import type { RetrievedChunk } from "./retrieved-chunk";

/** BM25 weight of a match in each column of the full-text index, relative to each other. */
export interface FullTextColumnWeights {
  title: number;
  headingPath: number;
  text: number;
}

/**
 * What of a tenant's chunks a search may see: the request's filter (an absent field restricts nothing), never the
 * collections the caller may not read.
 */
export interface ChunkScope extends RetrievalFilter {
  /** Left out whatever the filter says: the collections restricted to groups the caller is in none of. */
  excludedCollections: readonly string[];
}

/** Options of {@link ChunkSearch.searchFullText}. */
export interface FullTextSearchOptions {
  limit: number;
  weights: FullTextColumnWeights;
  scope: ChunkScope;
}

/** A chunk as the store holds it, before retrieval has scored it. */
export type StoredChunk = Omit<RetrievedChunk, "score">;

/**
 * The port through which hybrid retrieval reads chunks (implemented on D1 by `createChunkSearch` in
 * `db/chunks.ts`). Both calls see only the active versions of one tenant's documents, and only those the scope
 * lets through.
 */
export interface ChunkSearch {
  /**
   * Chunk (vector) ids ranked by BM25 for an FTS5 `match` expression, best first. Of an OR of phrases, those in half
   * the chunks or more may go unscored: BM25 weighs them at next to nothing, and the order stays as with them
   * but for scores within about a millionth of each other.
   */
  searchFullText(tenantId: string, match: string, options: FullTextSearchOptions): Promise<string[]>;
  /** The chunks with these ids, with their document titles, in no particular order; unknown ids are skipped. */
  hydrate(tenantId: string, ids: string[], scope: ChunkScope): Promise<StoredChunk[]>;
}
