import { findApiKey, touchApiKey } from "../db/api-keys";
import type { Db } from "../db/client";
import { looksLikeApiKey, parseApiKey, secretMatches } from "./api-key-secret";
import { type Principal, verifyToken } from "./token";

// A key's last use is recorded to the minute; more would be a D1 write on every request.
const lastUsedResolutionMs = 60_000;

export interface Credentials {
  db: Db;
  authSecret: string;
  /** Keeps background work (recording a key's use) alive after the response. */
  defer: (work: Promise<unknown>) => void;
}

/**
 * Who the bearer is: an API key (`rag_…`, looked up on every request so a revoked key stops working at once) or a
 * signed token. Null for anything invalid, revoked or expired.
 */
export async function authenticate(bearer: string, credentials: Credentials): Promise<Principal | null> {
  if (!looksLikeApiKey(bearer)) return verifyToken(bearer, credentials.authSecret);
  const presented = parseApiKey(bearer);
  if (!presented) return null;
  const key = await findApiKey(credentials.db, presented.id);
  if (!key || key.revokedAt !== null || !(await secretMatches(presented.secret, key.secretHash))) return null;
  credentials.defer(
    touchApiKey(credentials.db, key.id, new Date(), lastUsedResolutionMs).catch((error: unknown) =>
      console.error("Could not record the use of an API key", key.id, error),
    ),
  );
  return { tenantId: key.tenantId, role: key.role, subject: `key:${key.id}` };
}
