import { describe, expect, it } from "vitest";
import { inSizeBudget } from "./in-size-budget";

describe("inSizeBudget", () => {
  it("groups consecutive items up to the budget and gives a larger item a group of its own", () => {
    const sizes = [3, 4, 2, 12, 1, 1, 9];
    expect(inSizeBudget(sizes, (size) => size, 10)).toEqual([[3, 4, 2], [12], [1, 1], [9]]);
  });

  it("returns no groups for no items", () => {
    expect(inSizeBudget([], () => 1, 10)).toEqual([]);
  });
});
