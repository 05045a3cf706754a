import type { FetchImplementation } from "jose";
import { findApiKey, touchApiKey } from "../db/api-keys";
import type { Db } from "../db/client";
import { looksLikeApiKey, parseApiKey, secretMatches } from "./api-key-secret";
import { accessTokenPolicy, type CloudflareAccess } from "./cloudflare-access";
import type { Principal } from "./principal";
import { type TokenPolicy, verifyToken } from "./token";

// A key's last use is recorded to the minute; more would be a D1 write on every request.
const lastUsedResolutionMs = 60_000;

/** What a request presents: its bearer token or API key, and the assertion Cloudflare Access added, if any. */
export interface PresentedCredentials {
  bearer: string | null;
  accessAssertion: string | null;
}

export interface Authenticator {
  db: Db;
  tokens: TokenPolicy;
  cloudflareAccess: CloudflareAccess | null;
  /** Keeps background work (recording a key's use) alive after the response. */
  defer: (work: Promise<unknown>) => void;
  /** Fetches an identity provider's keys (tests pass their own). */
  fetchKeys?: FetchImplementation;
}

/**
 * Who the caller is, or null for anything invalid, revoked or expired: an API key (`rag_…`, looked up on every
 * request so a revoked key stops working at once), a signed token, or else the Cloudflare Access assertion.
 */
export async function authenticate(
  presented: PresentedCredentials,
  authenticator: Authenticator,
): Promise<Principal | null> {
  const { bearer, accessAssertion } = presented;
  if (bearer !== null && looksLikeApiKey(bearer)) return authenticateApiKey(bearer, authenticator);
  if (bearer !== null) return verifyToken(bearer, authenticator.tokens, authenticator.fetchKeys);
  if (accessAssertion !== null && authenticator.cloudflareAccess) {
    const policy = accessTokenPolicy(authenticator.cloudflareAccess, authenticator.tokens);
    return verifyToken(accessAssertion, policy, authenticator.fetchKeys);
  }
  return null;
}

async function authenticateApiKey(bearer: string, { db, defer }: Authenticator): Promise<Principal | null> {
  const presented = parseApiKey(bearer);
  if (!presented) return null;
  const key = await findApiKey(db, presented.id);
  if (!key || key.revokedAt !== null || !(await secretMatches(presented.secret, key.secretHash))) return null;
  defer(
    touchApiKey(db, key.id, new Date(), lastUsedResolutionMs).catch((error: unknown) =>
      console.error("Could not record the use of an API key", key.id, error),
    ),
  );
  return { tenantId: key.tenantId, role: key.role, subject: `key:${key.id}`, groups: key.groups };
}
