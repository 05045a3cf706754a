// The first pause between health checks while the server cannot be reached, and the longest it grows to.
const firstPauseMs = 1_000;
const longestPauseMs = 10_000;

/** Whether a failure is the browser's "could not reach the server" (fetch rejects, or a body read breaks off). */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError;
}

/**
 * Whether the API can be reached, as the app's own requests find out: a request that cannot reach it marks the
 * server unreachable, and from then on `probe` (a health check) runs with pauses doubling up to 10 s, and at once
 * when the browser comes back online, until a request gets a response. Listeners hear every change.
 */
export class ServerReachability {
  private reachable = true;
  private pauseMs = firstPauseMs;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly probe: () => Promise<unknown>) {}

  /** True until a request fails to reach the server, and again once one gets a response. */
  readonly isReachable = (): boolean => this.reachable;

  /** Calls `listener` on every change; returns the unsubscribe function (as `useSyncExternalStore` wants). */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A request got a response: the server is there. */
  markReachable(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pauseMs = firstPauseMs;
    if (this.reachable) return;
    this.reachable = true;
    window.removeEventListener("online", this.checkNow);
    this.notify();
  }

  /** A request could not reach the server: say so, and check until it answers again. */
  markUnreachable(): void {
    if (!this.reachable) return;
    this.reachable = false;
    window.addEventListener("online", this.checkNow);
    this.schedule();
    this.notify();
  }

  /** Checks whether the server answers now, rather than at the next scheduled check. */
  readonly checkNow = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    // The probe goes through the app's fetch, which marks the outcome either way.
    void this.probe()
      .catch(() => undefined)
      .finally(() => {
        if (!this.reachable && this.timer === undefined) this.schedule();
      });
  };

  private schedule(): void {
    this.timer = setTimeout(this.checkNow, this.pauseMs);
    this.pauseMs = Math.min(this.pauseMs * 2, longestPauseMs);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
