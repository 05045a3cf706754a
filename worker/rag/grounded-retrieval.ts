import type { GroundingData } from "../contract";
import { questionParts } from "./question-parts";
import type { RetrievedChunk } from "./retrieved-chunk";
import type { SourceRelevance } from "./source-relevance";

/** The passages an answer is written from, and the parts of the question none of them bears on. */
export interface GroundedSources {
  sources: RetrievedChunk[];
  uncoveredParts: string[];
}

/** What retrieval found for one part of a question, and the search query it used (a follow-up's includes context). */
export interface PartRetrieval {
  query: string;
  sources: RetrievedChunk[];
}

/** How {@link retrieveGrounded} judges and caps what retrieval found. */
export interface GroundingOptions {
  relevance: SourceRelevance;
  /** Passages a part's retrieval scored below this are not given to the model (see `minimumFusedScore`). */
  minimumScore: number;
  /** At most this many passages in all. */
  topK: number;
}

/**
 * Retrieves for each part of the question (see `questionParts`) and keeps the passages that pass the relevance test
 * for some part, taking the parts' best passages in turn so that every covered part has its own among the `topK`.
 */
export async function retrieveGrounded(
  question: string,
  retrieve: (part: string) => Promise<PartRetrieval>,
  options: GroundingOptions,
): Promise<GroundedSources> {
  const parts = questionParts(question);
  const found = await Promise.all(parts.map((part) => retrieve(part)));
  const aboveFloor = found.map(({ sources }) => sources.filter((source) => source.score >= options.minimumScore));
  const pool = new Map<string, RetrievedChunk>();
  for (const sources of aboveFloor)
    for (const source of sources) if (!pool.has(source.chunkId)) pool.set(source.chunkId, source);

  // A passage found for another part may still bear on this one (a test that reads it can tell). Passages are judged
  // against the part's search query, which for a follow-up carries what it refers to.
  const relevantByPart = found.map(({ query }, index) => {
    const own = aboveFloor[index] ?? [];
    const ownIds = new Set(own.map((source) => source.chunkId));
    const others = [...pool.values()].filter((source) => !ownIds.has(source.chunkId));
    return [
      ...own.filter((source) => options.relevance(query, source, true)),
      ...others.filter((source) => options.relevance(query, source, false)),
    ];
  });
  const sources = takeInTurn(relevantByPart, options.topK);
  const kept = new Set(sources.map((source) => source.chunkId));
  const uncoveredParts = parts.filter(
    (_part, index) => !(relevantByPart[index] ?? []).some((source) => kept.has(source.chunkId)),
  );
  return { sources, uncoveredParts };
}

/**
 * What the `data-grounding` part says of a finished answer: `declined` when it cites no source (the sources did not
 * cover the question, or the model said so), `partial` when parts of the question had no source, else `answered`.
 */
export function groundingOf(question: string, uncoveredParts: readonly string[], citedSources: number): GroundingData {
  if (citedSources === 0) return { status: "declined", uncoveredParts: questionParts(question) };
  if (uncoveredParts.length > 0) return { status: "partial", uncoveredParts: [...uncoveredParts] };
  return { status: "answered", uncoveredParts: [] };
}

// The first of each list, then the second of each, and so on, each passage once, up to `limit`.
function takeInTurn(lists: readonly RetrievedChunk[][], limit: number): RetrievedChunk[] {
  const taken = new Map<string, RetrievedChunk>();
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let rank = 0; rank < longest && taken.size < limit; rank++) {
    for (const list of lists) {
      const source = list[rank];
      if (source && !taken.has(source.chunkId) && taken.size < limit) taken.set(source.chunkId, source);
    }
  }
  return [...taken.values()];
}
