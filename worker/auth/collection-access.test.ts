import { describe, expect, it } from "vitest";
import { mayReadCollection } from "./collection-access";

describe("mayReadCollection", () => {
  it("lets the whole tenant read an open collection, and only its groups and admins a restricted one", () => {
    const member = { role: "member" as const, groups: ["staff", "hr"] };
    expect(mayReadCollection(member, null)).toBe(true);
    expect(mayReadCollection(member, ["hr", "legal"])).toBe(true);
    expect(mayReadCollection(member, ["legal"])).toBe(false);
    expect(mayReadCollection(member, [])).toBe(false);
    expect(mayReadCollection({ role: "member", groups: [] }, ["staff"])).toBe(false);
    expect(mayReadCollection({ role: "admin", groups: [] }, [])).toBe(true);
    // Group names are compared exactly: no case folding, no prefixes.
    expect(mayReadCollection({ role: "member", groups: ["HR", "h"] }, ["hr"])).toBe(false);
  });
});
