import type { RetrievedChunk } from "./retrieved-chunk";

/**
 * Whether a retrieved passage may be given to the answer model for one part of a question. `foundForPart` says
 * whether retrieval for that part found it (above the score floor); a test may also read the passage itself.
 */
export type SourceRelevance = (part: string, source: RetrievedChunk, foundForPart: boolean) => boolean;

/**
 * For a model that reads its sources and declines when they do not answer the question (the prompt tells it to):
 * every passage retrieval found for the part.
 */
export const foundForPart: SourceRelevance = (_part, _source, found) => found;
