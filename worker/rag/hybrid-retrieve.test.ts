import { describe, expect, it } from "vitest";
import { HashingEmbedder } from "../models/hashing-embedder";
import type { VectorIndex } from "../vector/vector-index";
import type { ChunkSearch, StoredChunk } from "./chunk-search";
import { retrieveChunks } from "./hybrid-retrieve";
import { fuseByReciprocalRank } from "./reciprocal-rank-fusion";
import { defaultRetrievalSettings, type RetrievalSettings } from "./retrieval-settings";

// Ports whose answers the test sets: one full-text ranking, the vector rankings in the order they are asked for (the
// first pass, then feedback's shifted vector), and a store of passages that records every hydration.
class ScriptedChunkSearch implements ChunkSearch {
  readonly hydrations: string[][] = [];
  fullTextQueries = 0;

  constructor(
    private readonly fullTextRanking: string[],
    private readonly stored: ReadonlyMap<string, string>,
  ) {}

  async searchFullText(): Promise<string[]> {
    this.fullTextQueries++;
    return this.fullTextRanking;
  }

  async hydrate(_tenantId: string, ids: string[]): Promise<StoredChunk[]> {
    this.hydrations.push(ids);
    return ids.flatMap((id) => {
      const text = this.stored.get(id);
      return text === undefined ? [] : [passage(id, text)];
    });
  }
}

function passage(id: string, text: string): StoredChunk {
  return { chunkId: id, documentId: `document-${id}`, externalId: null, title: "", headingPath: "", text };
}

function scriptedVectorIndex(rankings: string[][]): VectorIndex {
  let queries = 0;
  return {
    upsert: async () => {},
    deleteByIds: async () => {},
    query: async () => (rankings[queries++] ?? []).map((id, index) => ({ id, score: 1 - index / 100 })),
  };
}

// The question is about alpha. The full-text ranking puts c (on the alphabet) above d, which speaks of glaciers and
// moraines as the two best passages, a and b, do: what the best passages share, feedback finds in d and not in c.
// Ten passages of the vector ranking say nothing.
const fillers = Array.from({ length: 10 }, (_, index) => `v${index}`);
const stored = new Map([
  ["a", "alpha glacier moraine"],
  ["b", "alpha glacier moraine"],
  ["c", "the alphabet"],
  ["d", "glacier moraine"],
  ["x", "alpha"],
  ...fillers.map((id) => [id, `filler ${id}`] as const),
]);
const firstPass = ["a", "b", "c", "d", "gone"];
const vector = [...fillers, "a"];
// Feedback reads the two best passages.
const settings: RetrievalSettings = {
  ...defaultRetrievalSettings,
  feedback: { ...defaultRetrievalSettings.feedback, chunks: 2 },
  reranking: { candidates: 0, weight: 0 },
};

async function retrieve(retrievalSettings: RetrievalSettings, shiftedVectorRanking: string[] = []) {
  const chunkSearch = new ScriptedChunkSearch(firstPass, stored);
  const results = await retrieveChunks(
    {
      chunkSearch,
      vectorIndex: scriptedVectorIndex([vector, shiftedVectorRanking]),
      embedding: new HashingEmbedder(),
      settings: retrievalSettings,
    },
    { tenantId: "t", query: "what is alpha", topK: 6, unreadableCollections: [] },
  );
  return {
    ids: results.map((result) => result.chunkId),
    hydrations: chunkSearch.hydrations,
    fullTextQueries: chunkSearch.fullTextQueries,
  };
}

// The first pass's fused order.
function firstPassOrder(): string[] {
  const { fusionWeights, rrfK } = settings;
  return fuseByReciprocalRank([firstPass, vector], {
    k: rrfK,
    weights: [fusionWeights.fullText, fusionWeights.vector],
  }).map((entry) => entry.id);
}

describe("retrieveChunks with pseudo-relevance feedback", () => {
  const noFeedback = { ...settings, feedback: { ...settings.feedback, chunks: 0 } };

  it("ranks the first pass's candidates again by what its best passages share, without a second full-text query", async () => {
    const without = await retrieve(noFeedback);
    expect(without.ids.indexOf("c")).toBeLessThan(without.ids.indexOf("d"));
    const { ids, fullTextQueries, hydrations } = await retrieve(settings);
    expect(ids.indexOf("d")).toBeLessThan(ids.indexOf("c"));
    expect(ids.slice(0, 2)).toEqual(["a", "b"]);
    expect(fullTextQueries).toBe(1);
    // The first pass's best passages are loaded once, for feedback and the answer alike.
    expect(hydrations).toEqual([firstPassOrder()]);
  });

  it("loads only what the shifted vector's ranking added, and never asks again for a passage that was not found", async () => {
    const rocchio = { ...settings, feedback: { ...settings.feedback, vectorShift: 0.5 } };
    const { ids, hydrations } = await retrieve(rocchio, ["x", "gone", "a"]);
    expect(hydrations).toEqual([firstPassOrder(), ["x"]]);
    expect(ids).not.toContain("gone");
  });

  it("without feedback, loads the fused passages once", async () => {
    const { hydrations, fullTextQueries } = await retrieve(noFeedback);
    expect(fullTextQueries).toBe(1);
    expect(hydrations).toEqual([firstPassOrder()]);
  });
});

describe("retrieveChunks' depth", () => {
  // Each ranker goes `settings.candidates` deep, or as deep as the question asks when it asks more (the eval's 100).
  it("asks each ranker for the configured candidates, or for topK when that is more", async () => {
    const depths = async (topK: number) => {
      const asked: number[] = [];
      const chunkSearch: ChunkSearch = {
        searchFullText: async (_tenantId, _match, { limit }) => {
          asked.push(limit);
          return [];
        },
        hydrate: async () => [],
      };
      const vectorIndex: VectorIndex = {
        upsert: async () => {},
        deleteByIds: async () => {},
        query: async (_vector, { topK: vectorTopK }) => {
          asked.push(vectorTopK);
          return [];
        },
      };
      await retrieveChunks(
        { chunkSearch, vectorIndex, embedding: new HashingEmbedder(), settings: defaultRetrievalSettings },
        { tenantId: "t", query: "what is alpha", topK, unreadableCollections: [] },
      );
      return asked;
    };
    expect(defaultRetrievalSettings.candidates).toBe(40);
    expect(await depths(6)).toEqual([40, 40]);
    expect(await depths(100)).toEqual([100, 100]);
  });
});
