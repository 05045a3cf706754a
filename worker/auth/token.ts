import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  type FetchImplementation,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from "jose";
import type { Role } from "../contract";
import { type ClaimMapping, type Principal, principalFromClaims } from "./principal";

/** How tokens are checked (from the `AUTH_SECRET` and `JWT_*` vars). */
export interface TokenPolicy {
  /** The HS256 key of tokens this deployment signs itself (development tokens, `npm run tenant`). */
  secret: string;
  /** The longest `exp - iat` accepted. */
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
  claims: ClaimMapping;
  /** An identity provider's keys (RS256/ES256 tokens), with the issuer and audience its tokens must name. */
  jwks: KeySource | null;
}

/** Where an identity provider publishes its signing keys, and what its tokens must say. */
export interface KeySource {
  url: string;
  issuer: string | null;
  audience: string | null;
}

// Provider keys are fetched once and kept; an unknown `kid` refetches them (at most every 30 s), so rotated keys are
// picked up without a restart, and a flood of forged kids cannot turn into a flood of fetches.
const keySetOptions = { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 };
const asymmetricAlgorithms = ["RS256", "ES256"];
// Real tokens are a few KB; anything far bigger is not worth parsing.
const maxTokenLength = 8192;
const keySets = new WeakMap<FetchImplementation, Map<string, JWTVerifyGetKey>>();

/** Signs an HS256 token for the principal, valid for `ttlSeconds`. */
export async function signToken(
  principal: { tenantId: string; role: Role; subject: string; groups?: readonly string[] },
  secret: string,
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    tenant: principal.tenantId,
    role: principal.role,
    ...(principal.groups ? { groups: [...principal.groups] } : {}),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(principal.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The principal of a valid token, or null: the signature (HS256 with the deployment's secret, or RS256/ES256 with
 * the identity provider's published keys; never `alg: none`), expiry, issuer and audience, a bounded lifetime and
 * bounded claims are all checked.
 */
export async function verifyToken(
  token: string,
  policy: TokenPolicy,
  fetchKeys: FetchImplementation = fetch,
): Promise<Principal | null> {
  if (token.length > maxTokenLength) return null;
  try {
    const { alg } = decodeProtectedHeader(token);
    if (alg === "HS256")
      return await verifyWith(token, new TextEncoder().encode(policy.secret), ["HS256"], policy, null);
    if (!policy.jwks || !alg || !asymmetricAlgorithms.includes(alg)) return null;
    return await verifyWith(token, keySet(policy.jwks.url, fetchKeys), asymmetricAlgorithms, policy, policy.jwks);
  } catch {
    return null;
  }
}

async function verifyWith(
  token: string,
  key: Uint8Array | JWTVerifyGetKey,
  algorithms: string[],
  policy: TokenPolicy,
  source: KeySource | null,
): Promise<Principal | null> {
  const options = {
    algorithms,
    clockTolerance: policy.clockSkewSeconds,
    maxTokenAge: policy.maxLifetimeSeconds,
    requiredClaims: ["exp", "iat"],
    ...(source?.issuer ? { issuer: source.issuer } : {}),
    ...(source?.audience ? { audience: source.audience } : {}),
  };
  const { payload } =
    key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  const { exp, iat } = payload;
  if (exp === undefined || iat === undefined || exp - iat > policy.maxLifetimeSeconds) return null;
  return principalFromClaims(payload, policy.claims);
}

function keySet(url: string, fetchKeys: FetchImplementation): JWTVerifyGetKey {
  const byUrl = keySets.get(fetchKeys) ?? new Map<string, JWTVerifyGetKey>();
  keySets.set(fetchKeys, byUrl);
  const cached = byUrl.get(url);
  if (cached) return cached;
  const created = createRemoteJWKSet(new URL(url), { ...keySetOptions, [customFetch]: fetchKeys });
  byUrl.set(url, created);
  return created;
}
