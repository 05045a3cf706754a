/**
 * The API token, kept in localStorage so a reload stays signed in, and why the app last signed out on its own (the
 * API refused the token), for the sign-in page to say. Components subscribe through `useSyncExternalStore`; the API
 * client reads the token on every request.
 */
const storageKey = "edge-rag-chat.token";
const listeners = new Set<() => void>();

function readStoredToken(): string | null {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    // Storage can be unavailable (private mode, blocked cookies); the token then lives for this page only.
    return null;
  }
}

let currentToken: string | null = readStoredToken();
let currentSignOutReason: string | null = null;

export function getToken(): string | null {
  return currentToken;
}

/** Why the stored token was dropped (the API's message), until the next sign-in; null after a chosen sign-out. */
export function getSignOutReason(): string | null {
  return currentSignOutReason;
}

export function setToken(token: string | null, signOutReason: string | null = null): void {
  currentToken = token;
  currentSignOutReason = token ? null : signOutReason;
  try {
    if (token) window.localStorage.setItem(storageKey, token);
    else window.localStorage.removeItem(storageKey);
  } catch {
    // See readStoredToken.
  }
  for (const listener of listeners) listener();
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The Authorization header for the current token (empty when signed out). */
export function authorizationHeaders(): Record<string, string> {
  return currentToken ? { Authorization: `Bearer ${currentToken}` } : {};
}
