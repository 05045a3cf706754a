import { describe, expect, it } from "vitest";
import { mean, ndcgAtK, percentile, recallAtK, reciprocalRankAtK } from "./retrieval-metrics.ts";

const judgements = new Map([
  ["a", 2],
  ["b", 1],
  ["c", 0],
]);

describe("ndcgAtK", () => {
  it("is 1 for the ideal ranking and 0 when nothing relevant is found", () => {
    expect(ndcgAtK(["a", "b", "x"], judgements, 10)).toBeCloseTo(1, 12);
    expect(ndcgAtK(["x", "c", "y"], judgements, 10)).toBe(0);
  });

  it("uses linear gains and a log2 discount over the ideal DCG of all judged documents", () => {
    // DCG = 1/log2(2) + 2/log2(4) = 1 + 1 = 2; ideal = 2/log2(2) + 1/log2(3) = 2.630930
    expect(ndcgAtK(["b", "x", "a"], judgements, 10)).toBeCloseTo(2 / (2 + 1 / Math.log2(3)), 12);
  });

  it("cuts both the ranking and the ideal at k", () => {
    // Only "b" is within the top 1; the ideal top 1 is "a" with gain 2.
    expect(ndcgAtK(["b", "a"], judgements, 1)).toBeCloseTo(0.5, 12);
    expect(ndcgAtK(["x", "a"], judgements, 1)).toBe(0);
  });

  it("is 0 for a query without relevant judgements", () => {
    expect(ndcgAtK(["c"], new Map([["c", 0]]), 10)).toBe(0);
  });
});

describe("recallAtK", () => {
  it("counts the relevant documents found in the top k, ignoring grade 0 and duplicates", () => {
    expect(recallAtK(["c", "a", "a", "x"], judgements, 10)).toBe(0.5);
    expect(recallAtK(["x", "b", "a"], judgements, 2)).toBe(0.5);
    expect(recallAtK(["b", "a"], judgements, 100)).toBe(1);
  });
});

describe("reciprocalRankAtK", () => {
  it("is one over the rank of the first relevant document within k", () => {
    expect(reciprocalRankAtK(["c", "x", "b", "a"], judgements, 10)).toBeCloseTo(1 / 3, 12);
    expect(reciprocalRankAtK(["a"], judgements, 10)).toBe(1);
    expect(reciprocalRankAtK(["x", "y", "a"], judgements, 2)).toBe(0);
  });
});

describe("percentile and mean", () => {
  it("takes the nearest rank", () => {
    const values = [50, 10, 40, 20, 30];
    expect(percentile(values, 50)).toBe(30);
    expect(percentile(values, 95)).toBe(50);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });

  it("averages, with 0 for nothing", () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBe(0);
  });
});
