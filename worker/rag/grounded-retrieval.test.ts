import { describe, expect, it } from "vitest";
import { groundingOf, retrieveGrounded } from "./grounded-retrieval";
import type { RetrievedChunk } from "./retrieved-chunk";
import { foundForPart, type SourceRelevance } from "./source-relevance";

function passage(id: string, text: string, score = 1): RetrievedChunk {
  return { chunkId: id, documentId: id, externalId: null, title: id, headingPath: "", text, score };
}

const byPart: Record<string, RetrievedChunk[]> = {
  "Is alcohol reimbursed?": [passage("alcohol", "Alcohol is never reimbursed."), passage("hotel", "Hotels", 0.5)],
  "Which trains are preferred?": [passage("trains", "Trains are preferred."), passage("flights", "Flights", 0.001)],
  "What is the capital of France?": [passage("hotel", "Hotels in capital cities.")],
};
const retrieve = async (query: string) => ({ query, sources: byPart[query] ?? [] });
// Relevant when the passage's text names the part's first content word, as a lexical test would.
const namesIt: SourceRelevance = (part, source) =>
  source.text.toLowerCase().includes((part.split(" ")[1] ?? "").toLowerCase());

describe("retrieveGrounded", () => {
  it("retrieves each part and takes their best passages in turn, above the score floor", async () => {
    const grounded = await retrieveGrounded("Is alcohol reimbursed? Which trains are preferred?", retrieve, {
      relevance: foundForPart,
      minimumScore: 0.01,
      topK: 3,
    });
    expect(grounded.sources.map((source) => source.chunkId)).toEqual(["alcohol", "trains", "hotel"]);
    expect(grounded.uncoveredParts).toEqual([]);
  });

  it("keeps only passages that pass the relevance test, and names the parts none covers", async () => {
    const grounded = await retrieveGrounded("Is alcohol reimbursed? What is the capital of France?", retrieve, {
      relevance: (part, source) => !part.includes("France") && source.chunkId === "alcohol",
      minimumScore: 0,
      topK: 6,
    });
    expect(grounded.sources.map((source) => source.chunkId)).toEqual(["alcohol"]);
    expect(grounded.uncoveredParts).toEqual(["What is the capital of France?"]);
  });

  it("lets a test that reads the passage use one found for another part", async () => {
    const grounded = await retrieveGrounded("Is alcohol reimbursed? Which trains are preferred?", retrieve, {
      relevance: namesIt,
      minimumScore: 0,
      topK: 6,
    });
    expect(grounded.sources.map((source) => source.chunkId)).toEqual(["alcohol", "trains"]);
    expect(grounded.uncoveredParts).toEqual([]);
  });
});

describe("groundingOf", () => {
  it("declines an answer that cites nothing, and is partial when a part is uncovered", () => {
    expect(groundingOf("Is alcohol reimbursed? Which trains are preferred?", [], 0)).toEqual({
      status: "declined",
      uncoveredParts: ["Is alcohol reimbursed?", "Which trains are preferred?"],
    });
    expect(groundingOf("Is alcohol reimbursed? Where?", ["Where?"], 1)).toEqual({
      status: "partial",
      uncoveredParts: ["Where?"],
    });
    expect(groundingOf("Is alcohol reimbursed?", [], 2)).toEqual({ status: "answered", uncoveredParts: [] });
  });
});
