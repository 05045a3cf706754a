import { decodeJwt } from "jose";

/**
 * When a pasted token expires, read from its `exp` claim without checking its signature (the server does that):
 * lets the sign-in page say "expired" before asking the server. Null for what is not a JWT with an expiry (an API
 * key, or text that is no token at all).
 */
export function tokenExpiry(token: string): Date | null {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" ? new Date(exp * 1000) : null;
  } catch {
    return null;
  }
}
