import { describe, expect, it } from "vitest";
import { inGroups } from "./in-groups";

describe("inGroups", () => {
  it("splits items into consecutive groups of at most the size, none empty", () => {
    expect(inGroups([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(inGroups([1, 2], 5)).toEqual([[1, 2]]);
    expect(inGroups([], 3)).toEqual([]);
  });

  it("refuses a size that would loop forever or drop items", () => {
    expect(() => inGroups([1], 0)).toThrow(RangeError);
    expect(() => inGroups([1], 1.5)).toThrow(RangeError);
  });
});
