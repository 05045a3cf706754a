import { useCallback, useSyncExternalStore } from "react";
import { ApiError, describeError } from "../../client/api-error";
import type { Role } from "../../worker/contract";
import { createDevToken, getHealth, getIdentity, type Health } from "../lib/api";
import { tokenExpiry } from "../lib/token-expiry";
import { getSignOutReason, getToken, setToken, subscribeToken } from "../lib/token-store";
import { useApiData } from "./use-api-data";

export type AuthState =
  | { status: "loading" }
  | { status: "signed-in"; health: Health; token: string }
  /** `error`: why the API is unreachable, or why the app signed out on its own (the API refused the token). */
  | { status: "signed-out"; health: Health | null; error: string | null };

/** Signs in and reports why not: resolves to the problem in words, or null once signed in. */
export type SignIn<Input extends unknown[]> = (...input: Input) => Promise<string | null>;

/** Why a pasted token cannot be used, in words, or null when the server accepts it. */
async function checkPastedToken(token: string): Promise<string | null> {
  const expiry = tokenExpiry(token);
  if (expiry !== null && expiry.getTime() <= Date.now()) {
    return `This token expired on ${expiry.toLocaleString()}. Ask for a new one.`;
  }
  try {
    await getIdentity(undefined, token);
    return null;
  } catch (reason) {
    if (reason instanceof ApiError && reason.status === 401) return `The server refused this token: ${reason.message}`;
    // Anything else (the tenant not set up yet, the network) is no verdict on the token; the pages will say.
    return null;
  }
}

/**
 * Signs in: reads the health endpoint, then uses the stored token, or waits on the sign-in page for a pasted token
 * (checked first: expired, or refused by the server) or, when the server runs with DEV_AUTH, a development sign-in
 * as admin or member of a tenant. A token the API later rejects (401) is dropped by the API client, which lands
 * back on the sign-in page with the server's reason.
 */
export function useAuth(): {
  state: AuthState;
  signInWithToken: SignIn<[token: string]>;
  signInForDevelopment: SignIn<[role: Role, tenant: string]>;
  signOut: () => void;
} {
  const token = useSyncExternalStore(subscribeToken, getToken);
  const signOutReason = useSyncExternalStore(subscribeToken, getSignOutReason);
  const healthAnswer = useApiData("health", (_, signal) => getHealth(signal));
  const health = healthAnswer.data ?? null;

  const signInWithToken = useCallback(async (pasted: string) => {
    const trimmed = pasted.trim();
    const problem = await checkPastedToken(trimmed);
    if (problem === null) setToken(trimmed);
    return problem;
  }, []);
  const signInForDevelopment = useCallback(async (role: Role, tenant: string) => {
    try {
      setToken(await createDevToken(role, tenant));
      return null;
    } catch (reason) {
      return `Could not sign in: ${describeError(reason)}`;
    }
  }, []);
  const signOut = useCallback(() => setToken(null), []);

  let state: AuthState;
  if (token !== null && health !== null) state = { status: "signed-in", health, token };
  else if (healthAnswer.loading && health === null) state = { status: "loading" };
  else {
    const unreachable = healthAnswer.error ? `The API is not reachable: ${healthAnswer.error}` : null;
    const signedOut = signOutReason ? `You were signed out: ${signOutReason}` : null;
    state = { status: "signed-out", health, error: unreachable ?? signedOut };
  }
  return { state, signInWithToken, signInForDevelopment, signOut };
}
