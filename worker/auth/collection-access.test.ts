import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import { setCollectionAccess } from "../db/collections";
import { createTenantIfMissing } from "../db/tenants";
import { mayReadCollection, unreadableCollectionsOnce } from "./collection-access";

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

describe("unreadableCollectionsOnce", () => {
  it("reads the unreadable collections on the first call and gives later calls the same answer", async () => {
    const db = createDb(env.DB);
    const tenantId = `collection-access-${crypto.randomUUID()}`;
    await createTenantIfMissing(db, tenantId);
    const restrict = (name: string) => setCollectionAccess(db, { tenantId, name, readableBy: ["hr"], updatedBy: "t" });
    await restrict("payroll");
    const reader = { role: "member" as const, groups: ["staff"] };

    const unreadable = unreadableCollectionsOnce(db, tenantId, reader);
    expect(await unreadable()).toEqual(["payroll"]);
    await restrict("reviews");
    // One answer keeps what it read; the next one (a new reader of the collections) sees the change.
    expect(await unreadable()).toEqual(["payroll"]);
    expect((await unreadableCollectionsOnce(db, tenantId, reader)()).sort()).toEqual(["payroll", "reviews"]);
  });
});
