import { z } from "zod";
import { searchResultSchema } from "../contract";

/** A passage returned by retrieval, hydrated from D1 and ready to cite. */
export interface RetrievedChunk {
  chunkId: string;
  documentId: string;
  externalId: string | null;
  title: string;
  headingPath: string;
  /** 1-based page in the source file, for paged formats such as PDF. */
  page?: number | null;
  text: string;
  score: number;
}

/**
 * A stored `RetrievedChunk` (a conversation's active answer, a cached answer), checked as it is read back: a search
 * result with its page.
 */
export const retrievedChunkSchema = searchResultSchema.extend({
  page: z.number().nullable().optional(),
}) satisfies z.ZodType<RetrievedChunk>;
