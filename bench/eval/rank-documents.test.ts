import { describe, expect, it } from "vitest";
import { rankDocuments } from "./rank-documents.ts";

describe("rankDocuments", () => {
  it("ranks documents by their best chunk, keeping the order of first appearance on ties", () => {
    expect(
      rankDocuments([
        { externalId: "d1", score: 0.9 },
        { externalId: "d2", score: 0.8 },
        { externalId: "d1", score: 0.7 },
        { externalId: null, score: 0.6 },
        { externalId: "d3", score: 0.8 },
      ]),
    ).toEqual(["d1", "d2", "d3"]);
  });
});
