import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import { signToken } from "../../worker/auth/token";
import { uniqueTenant } from "../support/api";

const providerJwks = "https://idp.test/.well-known/jwks.json";
const accessTeam = "acme.cloudflareaccess.com";
const accessCerts = `https://${accessTeam}/cdn-cgi/access/certs`;

let signing: { privateKey: CryptoKey; publicJwk: JWK };

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  signing = { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256" } };
});

afterEach(() => {
  vi.restoreAllMocks();
});

// The identity provider and Cloudflare Access publish their keys; nothing leaves the machine.
function serveKeys() {
  const realFetch = globalThis.fetch;
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url === providerJwks || url === accessCerts) return Response.json({ keys: [signing.publicJwk] });
    return realFetch(input, init);
  });
}

async function callWith(vars: Record<string, string>, path: string, headers: Record<string, string>) {
  const context = createExecutionContext();
  const response = await app.fetch(new Request(`https://rag.test${path}`, { headers }), { ...env, ...vars }, context);
  await waitOnExecutionContext(context);
  return response;
}

function rs256(
  claims: Record<string, unknown>,
  { issuer = "https://idp.test/", audience = "rag", lifetime = 600 } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "k1" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(signing.privateKey);
}

const idp = { JWT_JWKS_URL: providerJwks, JWT_ISSUER: "https://idp.test/", JWT_AUDIENCE: "rag" };

describe("identity providers", () => {
  it("accepts an RS256 token from the provider's JWKS with the right audience, refuses a wrong one", async () => {
    const fetches = serveKeys();
    const tenant = uniqueTenant();
    const good = await rs256({ sub: "ada", tenant, role: "member" });
    const response = await callWith(idp, "/api/conversations", { Authorization: `Bearer ${good}` });
    expect(response.status).toBe(200);
    expect(fetches).toHaveBeenCalled();

    const otherAudience = await rs256({ sub: "ada", tenant, role: "member" }, { audience: "another-app" });
    expect((await callWith(idp, "/api/conversations", { Authorization: `Bearer ${otherAudience}` })).status).toBe(401);
    const otherIssuer = await rs256({ sub: "ada", tenant, role: "member" }, { issuer: "https://evil.test/" });
    expect((await callWith(idp, "/api/conversations", { Authorization: `Bearer ${otherIssuer}` })).status).toBe(401);
    // Without a provider configured, the same token is refused.
    expect((await callWith({}, "/api/conversations", { Authorization: `Bearer ${good}` })).status).toBe(401);
  });

  it("refuses unbounded tokens: a 10,000-character subject, a lifetime past the maximum", async () => {
    serveKeys();
    const tenant = uniqueTenant();
    const longSubject = await rs256({ sub: "x".repeat(10_000), tenant, role: "member" });
    expect((await callWith(idp, "/api/conversations", { Authorization: `Bearer ${longSubject}` })).status).toBe(401);
    const forever = await signToken({ tenantId: tenant, role: "admin", subject: "a" }, env.AUTH_SECRET, 31_000_000_000);
    expect((await callWith({}, "/api/conversations", { Authorization: `Bearer ${forever}` })).status).toBe(401);
    const day = await signToken({ tenantId: tenant, role: "member", subject: "a" }, env.AUTH_SECRET, 86_400);
    expect((await callWith({}, "/api/conversations", { Authorization: `Bearer ${day}` })).status).toBe(200);
    expect(
      (await callWith({ JWT_MAX_LIFETIME_SECONDS: "3600" }, "/api/conversations", { Authorization: `Bearer ${day}` }))
        .status,
    ).toBe(401);
  });

  it("signs people in through Cloudflare Access: default tenant, admins by group", async () => {
    serveKeys();
    const tenant = uniqueTenant();
    const access = {
      CF_ACCESS_TEAM_DOMAIN: accessTeam,
      CF_ACCESS_AUD: "aud-tag-123",
      JWT_DEFAULT_TENANT: tenant,
      JWT_SUBJECT_CLAIM: "email",
      JWT_ADMIN_GROUPS: "rag-admins",
    };
    const assertion = (groups: string[], audience = "aud-tag-123") =>
      rs256({ sub: "u-1", email: "ada@acme.test", groups }, { issuer: `https://${accessTeam}`, audience });

    const member = await assertion(["staff"]);
    expect((await callWith(access, "/api/conversations", { "Cf-Access-Jwt-Assertion": member })).status).toBe(200);
    expect((await callWith(access, "/api/documents", { "Cf-Access-Jwt-Assertion": member })).status).toBe(403);
    const admin = await assertion(["staff", "rag-admins"]);
    expect((await callWith(access, "/api/documents", { "Cf-Access-Jwt-Assertion": admin })).status).toBe(200);
    const otherApp = await assertion(["rag-admins"], "another-aud");
    expect((await callWith(access, "/api/documents", { "Cf-Access-Jwt-Assertion": otherApp })).status).toBe(401);
    // The header means nothing where Access is not configured.
    expect((await callWith({}, "/api/conversations", { "Cf-Access-Jwt-Assertion": member })).status).toBe(401);
  });
});
