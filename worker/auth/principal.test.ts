import { describe, expect, it } from "vitest";
import { type ClaimMapping, principalFromClaims } from "./principal";

const mapping: ClaimMapping = {
  tenantClaim: "tenant",
  roleClaim: "role",
  subjectClaim: "sub",
  groupsClaim: "groups",
  defaultTenant: null,
  adminGroups: [],
};

describe("principalFromClaims", () => {
  it("maps tenant, role, subject and groups from the configured claims", () => {
    expect(principalFromClaims({ sub: "ada", tenant: "acme", role: "admin", groups: ["hr"] }, mapping)).toEqual({
      tenantId: "acme",
      role: "admin",
      subject: "ada",
      groups: ["hr"],
    });
    const custom = { ...mapping, tenantClaim: "org", subjectClaim: "email", groupsClaim: "https://acme.test/groups" };
    expect(
      principalFromClaims({ email: "ada@acme.test", org: "acme", "https://acme.test/groups": ["legal"] }, custom),
    ).toEqual({ tenantId: "acme", role: "member", subject: "ada@acme.test", groups: ["legal"] });
  });

  it("uses the default tenant for tokens that name none, and admin groups when no role is named", () => {
    const access = { ...mapping, defaultTenant: "acme", adminGroups: ["rag-admins"] };
    expect(principalFromClaims({ sub: "u1", groups: ["staff", "rag-admins"] }, access)).toMatchObject({
      tenantId: "acme",
      role: "admin",
    });
    expect(principalFromClaims({ sub: "u2", groups: ["staff"] }, access)).toMatchObject({ role: "member" });
    expect(principalFromClaims({ sub: "u3" }, mapping)).toBeNull();
  });

  it("refuses claims out of bounds instead of storing them", () => {
    const base = { tenant: "acme", role: "member" };
    expect(principalFromClaims({ ...base, sub: "x".repeat(10_000) }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "" }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "a\u0000b" }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "ada", tenant: "Not A Slug" }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "ada", role: "owner" }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "ada", groups: Array(101).fill("g") }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "ada", groups: ["g".repeat(129)] }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "ada", groups: "hr" }, mapping)).toBeNull();
    expect(principalFromClaims({ ...base, sub: "ada", groups: ["hr\nadmins"] }, mapping)).toBeNull();
  });
});
