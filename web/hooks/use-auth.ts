import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { describeError } from "../../client/api-error";
import { createDevToken, getHealth, type Health } from "../lib/api";
import { getToken, setToken, subscribeToken } from "../lib/token-store";
import { useApiData } from "./use-api-data";

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
  const healthAnswer = useApiData("health", (_, signal) => getHealth(signal));
  const health = healthAnswer.data ?? null;
  const healthLoaded = !healthAnswer.loading;
  const [signInError, setSignInError] = useState<string | null>(null);
  const error = signInError ?? (healthAnswer.error ? `The API is not reachable: ${healthAnswer.error}` : null);
  const devTokenRequests = useRef(0);

  const wantsDevToken = token === null && health?.devAuth === true;
  useEffect(() => {
    if (!wantsDevToken) return;
    if (devTokenRequests.current >= maximumDevTokenRequests) {
      setSignInError("The server keeps rejecting development tokens. Paste a token instead.");
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
        if (!cancelled) setSignInError(`Could not get a development token: ${describeError(reason)}`);
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
    setSignInError(null);
    setToken(pasted.trim());
  }, []);
  const signOut = useCallback(() => setToken(null), []);

  let state: AuthState;
  if (token !== null && health !== null) state = { status: "signed-in", health, token };
  else if (!healthLoaded || (wantsDevToken && error === null)) state = { status: "loading" };
  else state = { status: "needs-token", health, error };
  return { state, signIn, signOut };
}
