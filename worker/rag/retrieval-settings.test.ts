import { describe, expect, it } from "vitest";
import { defaultRetrievalSettings, minimumFusedScore } from "./retrieval-settings";

describe("minimumFusedScore", () => {
  it("is what the ranker of least weight gives its 20th candidate alone", () => {
    const production = { ...defaultRetrievalSettings, rrfK: 60, fusionWeights: { fullText: 1, vector: 1 } };
    expect(minimumFusedScore(production)).toBeCloseTo(1 / 80);
    expect(minimumFusedScore(defaultRetrievalSettings)).toBeCloseTo(0.15 / 21);
  });

  it("leaves out a ranker that does not count", () => {
    const fullTextOnly = { ...defaultRetrievalSettings, rrfK: 60, fusionWeights: { fullText: 1, vector: 0 } };
    expect(minimumFusedScore(fullTextOnly)).toBeCloseTo(1 / 80);
    expect(minimumFusedScore({ ...fullTextOnly, fusionWeights: { fullText: 0, vector: 0 } })).toBe(0);
  });
});
