import { randomBase64Url, randomHex } from "../lib/ids";
import { sha256Hex } from "../lib/sha256";

/**
 * API keys are bearer tokens of the form `rag_<id>_<secret>`: a public id to find the key by (16 hex characters) and
 * a 256-bit secret (base64url). Only the secret's SHA-256 is stored: a leaked database reveals no usable key, and a
 * random 256-bit secret needs no slow hash.
 */
const prefix = "rag_";
const idLength = 16;

export interface NewApiKey {
  id: string;
  /** The whole key, shown to the admin once. */
  key: string;
  secretHash: string;
}

export interface PresentedApiKey {
  id: string;
  secret: string;
}

/** Whether a bearer token is an API key rather than a JWT. */
export function looksLikeApiKey(bearer: string): boolean {
  return bearer.startsWith(prefix);
}

export async function generateApiKey(): Promise<NewApiKey> {
  const id = randomHex(idLength / 2);
  const secret = randomBase64Url(32);
  return { id, key: `${prefix}${id}_${secret}`, secretHash: await sha256Hex(secret) };
}

/** The id and secret of a presented key, or null when it is not shaped like one of ours. */
export function parseApiKey(bearer: string): PresentedApiKey | null {
  const id = bearer.slice(prefix.length, prefix.length + idLength);
  const secret = bearer.slice(prefix.length + idLength + 1);
  const separator = bearer.charAt(prefix.length + idLength);
  if (!looksLikeApiKey(bearer) || !/^[0-9a-f]{16}$/.test(id) || separator !== "_") return null;
  if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { id, secret };
}

/** Whether `secret` is the one whose hash was stored, compared in constant time. */
export async function secretMatches(secret: string, storedHash: string): Promise<boolean> {
  const presented = new TextEncoder().encode(await sha256Hex(secret));
  const stored = new TextEncoder().encode(storedHash);
  return presented.byteLength === stored.byteLength && crypto.subtle.timingSafeEqual(presented, stored);
}

/** What a list shows of a key: enough to recognise it, nothing to use it with. */
export function displayPrefix(id: string): string {
  return `${prefix}${id}_…`;
}
