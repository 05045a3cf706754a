import { describe, expect, it } from "vitest";
import { platformLimits } from "../lib/platform-limits";
import { scopeVectorFilter } from "./scope-vector-filter";

describe("scopeVectorFilter", () => {
  it("leaves out the excluded collections, unless the filter names a collection", () => {
    expect(scopeVectorFilter({ excludedCollections: [] })).toBeUndefined();
    expect(scopeVectorFilter({ excludedCollections: ["board", "hr"] })).toEqual({
      collection: { $nin: ["board", "hr"] },
    });
    expect(scopeVectorFilter({ collection: "guides", excludedCollections: ["board"] })).toEqual({
      collection: { $eq: "guides" },
    });
    expect(scopeVectorFilter({ documentIds: ["d1"], excludedCollections: ["board"] })).toEqual({
      documentId: { $in: ["d1"] },
      collection: { $nin: ["board"] },
    });
  });

  it("keeps under Vectorize's 2 KB filter limit by leaving a list too long to hydration", () => {
    const many = Array.from({ length: 60 }, (_, index) => `${"restricted-collection-".repeat(2)}${index}`);
    expect(JSON.stringify({ collection: { $nin: many } }).length).toBeGreaterThan(platformLimits.vectorize.filterBytes);
    expect(scopeVectorFilter({ excludedCollections: many })).toBeUndefined();
    expect(scopeVectorFilter({ documentIds: ["d1"], excludedCollections: many })).toEqual({
      documentId: { $in: ["d1"] },
    });
  });
});
