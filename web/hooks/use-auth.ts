import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { createDevToken, getHealth, type Health } from "../lib/api";
import { describeError } from "../lib/api-error";
import { getToken, setToken, subscribeToken } from "../lib/token-store";

export type AuthState =
  | { status: "loading" }
  | { status: "signed-in"; health: Health; token: string }
  | { status: "needs-token"; health: Health | null; error: string | null };

// A fresh dev token that is rejected again points at a server problem; stop asking instead of looping.
const maximumDevTokenRequests = 3;

/**
 * Signs in: reads the health endpoint, then uses the stored token, or asks the server for a dev token
 * when it runs with DEV_AUTH, or waits for a pasted token. A token the API rejects (401) is dropped by
 * the API client, which lands back here.
 */
export function useAuth(): { state: AuthState; signIn: (token: string) => void; signOut: () => void } {
  const token = useSyncExternalStore(subscribeToken, getToken);
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [healthLoaded, setHealthLoaded] = useState(false);
  const devTokenRequests = useRef(0);

  useEffect(() => {
    let cancelled = false;
    getHealth()
      .then((result) => {
        if (!cancelled) setHealth(result);
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(`The API is not reachable: ${describeError(reason)}`);
      })
      .finally(() => {
        if (!cancelled) setHealthLoaded(true);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const wantsDevToken = token === null && health?.devAuth === true;
  useEffect(() => {
    if (!wantsDevToken) return;
    if (devTokenRequests.current >= maximumDevTokenRequests) {
      setError("The server keeps rejecting development tokens. Paste a token instead.");
      return;
    }
    devTokenRequests.current += 1;
    let cancelled = false;
    let settled = false;
    createDevToken()
      .then((created) => {
        if (!cancelled) setToken(created);
      })
      .catch((reason: unknown) => {
        if (!cancelled) setError(`Could not get a development token: ${describeError(reason)}`);
      })
      .finally(() => {
        settled = true;
      });
    return () => {
      cancelled = true;
      // A request abandoned before it answered (StrictMode's double effect) does not count as rejected.
      if (!settled) devTokenRequests.current -= 1;
    };
  }, [wantsDevToken]);

  const signIn = useCallback((pasted: string) => {
    setError(null);
    setToken(pasted.trim());
  }, []);
  const signOut = useCallback(() => setToken(null), []);

  let state: AuthState;
  if (token !== null && health !== null) state = { status: "signed-in", health, token };
  else if (!healthLoaded || (wantsDevToken && error === null)) state = { status: "loading" };
  else state = { status: "needs-token", health, error };
  return { state, signIn, signOut };
}
