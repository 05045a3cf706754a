import { z } from "zod";

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

/** A stored `RetrievedChunk` (a conversation's active answer, a cached answer), checked as it is read back. */
export const retrievedChunkSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  externalId: z.string().nullable(),
  title: z.string(),
  headingPath: z.string(),
  page: z.number().nullable().optional(),
  text: z.string(),
  score: z.number(),
}) satisfies z.ZodType<RetrievedChunk>;
