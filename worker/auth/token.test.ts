import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { signToken, type TokenPolicy, verifyToken } from "./token";

const secret = "test-secret-at-least-16-chars";
const issuer = "https://idp.test/";
const audience = "edge-rag-chat";
const jwksUrl = "https://idp.test/.well-known/jwks.json";

const policy: TokenPolicy = {
  secret,
  maxLifetimeSeconds: 3600,
  clockSkewSeconds: 30,
  claims: {
    tenantClaim: "tenant",
    roleClaim: "role",
    subjectClaim: "sub",
    groupsClaim: "groups",
    defaultTenant: null,
    adminGroups: [],
  },
  jwks: { url: jwksUrl, issuer, audience },
};

interface SigningKey {
  kid: string;
  alg: "RS256" | "ES256";
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(kid: string, alg: "RS256" | "ES256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

function providerToken(key: SigningKey, claims: Record<string, unknown> = {}, lifetimeSeconds = 600) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant: "acme", role: "member", ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setSubject("ada@acme.test")
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key.privateKey);
}

/** An identity provider's JWKS endpoint whose published keys a test can change, counting fetches. */
function provider(keys: SigningKey[]) {
  const state = { keys, fetches: 0 };
  const fetchKeys = vi.fn(async (url: string) => {
    state.fetches += 1;
    if (url !== jwksUrl) return new Response("not found", { status: 404 });
    return Response.json({ keys: state.keys.map((key) => key.publicJwk) });
  });
  return { state, fetchKeys };
}

describe("verifyToken", () => {
  it("accepts the deployment's own HS256 tokens and refuses a wrong secret", async () => {
    const token = await signToken({ tenantId: "acme", role: "admin", subject: "ada" }, secret, 600);
    expect(await verifyToken(token, policy)).toEqual({ tenantId: "acme", role: "admin", subject: "ada", groups: [] });
    const forged = await signToken({ tenantId: "acme", role: "admin", subject: "ada" }, "another-secret-entirely", 600);
    expect(await verifyToken(forged, policy)).toBeNull();
  });

  it("refuses alg none, expired tokens, tokens without iat and lifetimes over the maximum", async () => {
    const now = Math.floor(Date.now() / 1000);
    const header = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "");
    const body = btoa(JSON.stringify({ sub: "ada", tenant: "acme", role: "admin", iat: now, exp: now + 60 })).replace(
      /=+$/,
      "",
    );
    expect(await verifyToken(`${header}.${body}.`, policy)).toBeNull();
    expect(
      await verifyToken(await signToken({ tenantId: "acme", role: "admin", subject: "a" }, secret, -60), policy),
    ).toBeNull();

    const key = new TextEncoder().encode(secret);
    const withoutIat = await new SignJWT({ tenant: "acme", role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("ada")
      .setExpirationTime(now + 60)
      .sign(key);
    expect(await verifyToken(withoutIat, policy)).toBeNull();
    // Valid until the year 3000: refused, whatever signed it.
    const forever = await signToken({ tenantId: "acme", role: "admin", subject: "a" }, secret, 31_000_000_000);
    expect(await verifyToken(forever, policy)).toBeNull();
    const tooLong = await signToken({ tenantId: "acme", role: "admin", subject: "a" }, secret, 3601);
    expect(await verifyToken(tooLong, policy)).toBeNull();
    expect(await verifyToken("x".repeat(10_000), policy)).toBeNull();
  });

  it("verifies RS256 and ES256 tokens against the provider's JWKS, with issuer and audience", async () => {
    const rsa = await signingKey("rsa-1", "RS256");
    const ec = await signingKey("ec-1", "ES256");
    const { fetchKeys } = provider([rsa, ec]);
    expect(await verifyToken(await providerToken(rsa), policy, fetchKeys)).toMatchObject({
      tenantId: "acme",
      subject: "ada@acme.test",
    });
    expect(await verifyToken(await providerToken(ec, { groups: ["hr"] }), policy, fetchKeys)).toMatchObject({
      groups: ["hr"],
    });
    const wrongAudience = { ...policy, jwks: { url: jwksUrl, issuer, audience: "another-app" } };
    expect(await verifyToken(await providerToken(rsa), wrongAudience, fetchKeys)).toBeNull();
    const wrongIssuer = { ...policy, jwks: { url: jwksUrl, issuer: "https://evil.test/", audience } };
    expect(await verifyToken(await providerToken(rsa), wrongIssuer, fetchKeys)).toBeNull();
    // A key the provider does not publish signs nothing valid.
    const stranger = await signingKey("rsa-1", "RS256");
    expect(await verifyToken(await providerToken(stranger), policy, fetchKeys)).toBeNull();
    // An asymmetric token where no provider is configured is refused, not checked against the secret.
    expect(await verifyToken(await providerToken(rsa), { ...policy, jwks: null }, fetchKeys)).toBeNull();
  });

  it("caches the provider's keys and picks up a rotated key", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const first = await signingKey("2026-a", "RS256");
      const second = await signingKey("2026-b", "RS256");
      const { state, fetchKeys } = provider([first]);
      for (let index = 0; index < 5; index += 1) {
        expect(await verifyToken(await providerToken(first), policy, fetchKeys)).not.toBeNull();
      }
      expect(state.fetches).toBe(1);

      // The provider rotates: the new key signs, the old one is still published for a while.
      state.keys = [second, first];
      vi.setSystemTime(Date.now() + 31_000);
      expect(await verifyToken(await providerToken(second), policy, fetchKeys)).not.toBeNull();
      expect(state.fetches).toBe(2);
      expect(await verifyToken(await providerToken(first), policy, fetchKeys)).not.toBeNull();
      expect(state.fetches).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
