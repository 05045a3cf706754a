import { useCallback, useEffect, useRef, useState } from "react";
import { describeError } from "../../client/api-error";

/** How a load ended, for `reloadAfter`. */
export type LoadOutcome<Data> = { data: Data } | { error: unknown };

export interface ApiDataOptions<Data> {
  /** Milliseconds after which to load again (e.g. while work is still going on), or null to stop. */
  reloadAfter?: (outcome: LoadOutcome<Data>) => number | null;
}

export interface ApiData<Data> {
  /** What the latest successful load answered; kept while loading again and after a failed load. */
  data: Data | undefined;
  /** Why the latest load failed, in words for the page; null once a load succeeds. */
  error: string | null;
  /** True while a load is running. */
  loading: boolean;
  /** Loads again now, abandoning a load still running (its answer could be older than a change just made). */
  reload: () => void;
  /** Changes loaded data in place, e.g. with what an action answered, until the next load replaces it. */
  update: (change: (data: Data) => Data) => void;
}

/** A load under way, and the timer of the next one it asked for. */
interface Run {
  controller: AbortController;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Snapshot<Data> {
  data: Data | undefined;
  error: string | null;
  loading: boolean;
}

/**
 * Data read from the API: `load(key, signal)` runs on mount, whenever `key` changes, on `reload()` and when
 * `reloadAfter` asks; a load that is superseded or outlives the component is aborted through its signal.
 */
export function useApiData<Data>(
  key: string,
  load: (key: string, signal: AbortSignal) => Promise<Data>,
  options: ApiDataOptions<Data> = {},
): ApiData<Data> {
  const [snapshot, setSnapshot] = useState<Snapshot<Data>>({ data: undefined, error: null, loading: true });
  // The latest callbacks, so a caller need not memoise them.
  const latest = useRef({ load, options });
  latest.current = { load, options };
  const running = useRef<Run | null>(null);

  const stop = useCallback(() => {
    running.current?.controller.abort();
    clearTimeout(running.current?.timer);
    running.current = null;
  }, []);

  const reload = useCallback(() => {
    stop();
    const run: Run = { controller: new AbortController(), timer: undefined };
    running.current = run;
    setSnapshot((current) => ({ ...current, loading: true }));
    const finish = (outcome: LoadOutcome<Data>) => {
      if (run.controller.signal.aborted) return;
      setSnapshot((current) =>
        "data" in outcome
          ? { data: outcome.data, error: null, loading: false }
          : { data: current.data, error: describeError(outcome.error), loading: false },
      );
      const delay = latest.current.options.reloadAfter?.(outcome) ?? null;
      if (delay !== null) run.timer = setTimeout(reload, delay);
    };
    latest.current.load(key, run.controller.signal).then(
      (data) => finish({ data }),
      (error: unknown) => finish({ error }),
    );
  }, [key, stop]);

  useEffect(() => {
    reload();
    return stop;
  }, [reload, stop]);

  const update = useCallback((change: (data: Data) => Data) => {
    setSnapshot((current) => (current.data === undefined ? current : { ...current, data: change(current.data) }));
  }, []);

  return { ...snapshot, reload, update };
}
