import { describe, expect, it } from "vitest";
import { fuseByReciprocalRank } from "./reciprocal-rank-fusion";

describe("fuseByReciprocalRank", () => {
  it("sums 1 / (k + rank) over the rankings, highest first", () => {
    const fused = fuseByReciprocalRank([
      ["a", "b", "c"],
      ["b", "d"],
    ]);
    expect(fused.map((result) => result.id)).toEqual(["b", "a", "d", "c"]);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 61, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
    expect(fused[3]?.score).toBeCloseTo(1 / 63, 12);
  });

  it("applies k and per-ranking weights", () => {
    const fused = fuseByReciprocalRank(
      [
        ["a", "b"],
        ["b", "a"],
      ],
      { k: 1, weights: [1, 3] },
    );
    // a: 1/2 + 3/3 = 1.5; b: 1/3 + 3/2 ≈ 1.8333
    expect(fused).toEqual([
      { id: "b", score: 1 / 3 + 3 / 2 },
      { id: "a", score: 1 / 2 + 3 / 3 },
    ]);
  });

  it("breaks score ties by best rank, then by id", () => {
    // x and y both score 1/61 + 1/63 with best rank 1, so ids decide; so do w and z (1/62, best rank 2).
    const fused = fuseByReciprocalRank([
      ["y", "w", "x"],
      ["x", "z", "y"],
    ]);
    expect(fused.map((result) => result.id)).toEqual(["x", "y", "w", "z"]);
    expect(fused[0]?.score).toBe(fused[1]?.score);
  });

  it("prefers the better best rank when scores tie", () => {
    // With k = 0: r and s score 1/1 at best rank 1; q scores 1/2 + 1/2 = 1 at best rank 2, so it comes last.
    const fused = fuseByReciprocalRank(
      [
        ["r", "q"],
        ["s", "q"],
      ],
      { k: 0, weights: [1, 1] },
    );
    expect(fused).toEqual([
      { id: "r", score: 1 },
      { id: "s", score: 1 },
      { id: "q", score: 1 },
    ]);
  });

  it("counts an id repeated within one ranking once, at its best rank", () => {
    expect(fuseByReciprocalRank([["a", "a", "b"]], { k: 0 })).toEqual([
      { id: "a", score: 1 },
      { id: "b", score: 1 / 3 },
    ]);
  });

  it("handles no rankings and empty rankings", () => {
    expect(fuseByReciprocalRank([])).toEqual([]);
    expect(fuseByReciprocalRank([[], []])).toEqual([]);
  });

  it("rejects a weight count that does not match the rankings and a negative k", () => {
    expect(() => fuseByReciprocalRank([["a"]], { weights: [1, 2] })).toThrow(RangeError);
    expect(() => fuseByReciprocalRank([["a"]], { k: -1 })).toThrow(RangeError);
  });
});
