import { describe, expect, it } from "vitest";
import { HashingEmbedder } from "../models/hashing-embedder";
import type { VectorIndex } from "../vector/vector-index";
import type { ChunkSearch, StoredChunk } from "./chunk-search";
import { retrieveChunks } from "./hybrid-retrieve";
import { fuseByReciprocalRank } from "./reciprocal-rank-fusion";
import { defaultRetrievalSettings, type RetrievalSettings } from "./retrieval-settings";

// Ports whose answers the test sets: the full-text rankings in the order they are asked for (the first pass, then
// feedback's expanded query), one vector ranking, and a store of passages that records every hydration.
class ScriptedChunkSearch implements ChunkSearch {
  readonly hydrations: string[][] = [];
  private fullTextCalls = 0;

  constructor(
    private readonly fullTextRankings: string[][],
    private readonly stored: ReadonlySet<string>,
  ) {}

  async searchFullText(): Promise<string[]> {
    return this.fullTextRankings[this.fullTextCalls++] ?? [];
  }

  async hydrate(_tenantId: string, ids: string[]): Promise<StoredChunk[]> {
    this.hydrations.push(ids);
    return ids.filter((id) => this.stored.has(id)).map(passage);
  }
}

function passage(id: string): StoredChunk {
  return {
    chunkId: id,
    documentId: `document-${id}`,
    externalId: null,
    title: "",
    headingPath: "",
    text: `text ${id}`,
  };
}

function vectorIndexRanking(ids: string[]): VectorIndex {
  return {
    upsert: async () => {},
    deleteByIds: async () => {},
    query: async () => ids.map((id, index) => ({ id, score: 1 - index / 100 })),
  };
}

const settings: RetrievalSettings = { ...defaultRetrievalSettings, reranking: { candidates: 0, weight: 0 } };
const firstPass = ["a", "b", "c", "gone", "d"];
const vector = ["v", "a"];

async function retrieve(expandedRanking: string[], retrievalSettings = settings) {
  const chunkSearch = new ScriptedChunkSearch([firstPass, expandedRanking], new Set(["a", "b", "c", "d", "v", "x"]));
  const results = await retrieveChunks(
    {
      chunkSearch,
      vectorIndex: vectorIndexRanking(vector),
      embedding: new HashingEmbedder(),
      settings: retrievalSettings,
    },
    { tenantId: "t", query: "what is alpha", topK: 6, unreadableCollections: [] },
  );
  return { ids: results.map((result) => result.chunkId), hydrations: chunkSearch.hydrations };
}

// The order of the fused rankings: the first pass's, and feedback's expanded one (the flat view weighs 0).
function fusedOrder(expandedRanking: string[] = []): string[] {
  const { fusionWeights, rrfK, feedback } = settings;
  return fuseByReciprocalRank([firstPass, vector, expandedRanking], {
    k: rrfK,
    weights: [fusionWeights.fullText, fusionWeights.vector, fusionWeights.fullText * feedback.weight],
  }).map((entry) => entry.id);
}

// What retrieval must return: the fused order of the passages found, top 6.
function expectedResults(expandedRanking: string[] = []): string[] {
  return fusedOrder(expandedRanking)
    .filter((id) => id !== "gone")
    .slice(0, 6);
}

describe("retrieveChunks loads the passages with feedback's", () => {
  it("loads the first pass's best passages once, before feedback, when feedback brings nothing new", async () => {
    const { ids, hydrations } = await retrieve(["b", "a", "d"]);
    expect(ids).toEqual(expectedResults(["b", "a", "d"]));
    expect(hydrations).toEqual([fusedOrder()]);
  });

  it("loads only what feedback's ranking added, and never asks again for a passage that was not found", async () => {
    const { ids, hydrations } = await retrieve(["x", "a"]);
    expect(ids).toEqual(expectedResults(["x", "a"]));
    expect(ids).toContain("x");
    expect(hydrations).toEqual([fusedOrder(), ["x"]]);
  });

  it("without feedback, loads the fused passages once", async () => {
    const noFeedback = { ...settings, feedback: { ...settings.feedback, chunks: 0 } };
    const { ids, hydrations } = await retrieve(["x"], noFeedback);
    expect(ids).toEqual(expectedResults());
    expect(hydrations).toEqual([fusedOrder()]);
  });
});
