import { useEffect, useRef, useSyncExternalStore } from "react";
import { serverReachability } from "../lib/api";

/** Whether the server can be reached, as the app's latest requests found; re-renders on every change. */
export function useServerReachable(): boolean {
  return useSyncExternalStore(serverReachability.subscribe, serverReachability.isReachable);
}

/** Calls `onReconnect` each time the server answers again after it could not be reached. */
export function useOnReconnect(onReconnect: () => void): void {
  const latest = useRef(onReconnect);
  latest.current = onReconnect;
  useEffect(() => {
    let reachable = serverReachability.isReachable();
    return serverReachability.subscribe(() => {
      const now = serverReachability.isReachable();
      if (now && !reachable) latest.current();
      reachable = now;
    });
  }, []);
}
