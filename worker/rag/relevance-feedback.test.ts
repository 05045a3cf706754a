import { describe, expect, it } from "vitest";
import { expandQuery, shiftTowardsFeedback } from "./relevance-feedback";

const passage = (text: string) => ({ title: "", headingPath: "", text });

describe("expandQuery (RM3)", () => {
  it("adds the feedback passages' most frequent new words, weighted, and keeps the query's share", () => {
    const terms = expandQuery(
      "penguin breeding",
      [
        passage("Emperor penguins breed on sea ice; emperor colonies gather in winter."),
        passage("Emperor penguin colonies huddle on the ice."),
      ],
      { expansionTerms: 3, originalQueryWeight: 0.6 },
    );
    expect(terms.slice(0, 2)).toEqual([
      { term: "penguin", weight: 0.3 },
      { term: "breeding", weight: 0.3 },
    ]);
    const expansion = terms.slice(2);
    expect(expansion.map(({ term }) => term)).toEqual(["emperor", "ice", "colonies"]);
    expect(expansion.reduce((sum, { weight }) => sum + weight, 0)).toBeCloseTo(0.4);
    // Words sharing a stem with the query ("penguins", "breed") are the query's own, not expansion.
    expect(expansion[0]?.weight).toBeGreaterThan(expansion[2]?.weight ?? 1);
  });

  it("leaves the query whole when the feedback has no new words", () => {
    expect(expandQuery("penguin", [passage("Penguins.")], { expansionTerms: 5, originalQueryWeight: 0.5 })).toEqual([
      { term: "penguin", weight: 1 },
    ]);
  });
});

describe("shiftTowardsFeedback (Rocchio)", () => {
  it("moves the unit query vector towards the mean of the unit feedback vectors", () => {
    expect(
      shiftTowardsFeedback(
        [2, 0],
        [
          [0, 3],
          [0, 1],
        ],
        0.5,
      ),
    ).toEqual([1, 0.5]);
    expect(shiftTowardsFeedback([2, 0], [], 0.5)).toEqual([2, 0]);
  });
});
