/**
 * Cron triggers for local runs. On Cloudflare the platform calls the Worker's `scheduled` handler; locally nothing
 * does unless told to, so `npm start` and `npm run dev` run it here: once at start-up with the cron "@reboot" (the
 * handler re-sends work that a crash or a Ctrl-C interrupted), then once a minute with each cron of wrangler.toml.
 */
import { z } from "zod";

/** The cron a local server's first run gets, so the handler can tell a start-up from a tick. */
export const rebootCron = "@reboot";

/** What one run of the scheduled handler ended with: "ok", or why not (e.g. "exception"). */
export type RunScheduled = (cron: string) => Promise<string>;

export interface LocalScheduleOptions {
  /** Runs the handler once (see `scheduledOverHttp`). */
  run: RunScheduled;
  /** The crons of wrangler.toml's `[triggers]`; each one runs every minute. */
  crons: readonly string[];
  /** Where a line goes for the start-up run and for each run that did not end "ok". */
  log: (line: string) => void;
}

export interface LocalSchedule {
  /** Settles when the start-up run ("@reboot") has ended, however it ended. */
  started: Promise<void>;
  /** No further runs; one already under way ends on its own. */
  stop(): void;
}

const minuteMs = 60_000;

/**
 * Runs the scheduled handler with "@reboot" now, then with each cron at the start of every minute. A minute whose
 * previous runs have not ended is skipped, so a slow handler never has runs piling up behind it.
 */
export function startLocalSchedule({ run, crons, log }: LocalScheduleOptions): LocalSchedule {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let busy = false;

  const runOne = async (cron: string, announce: boolean) => {
    const outcome = await run(cron).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (outcome === "ok" && !announce) return;
    const line = `Scheduled handler (cron "${cron}"): ${outcome}`;
    log(outcome === "ok" ? line : `${line}; the server log above says why`);
  };

  const runAll = async (cronsToRun: readonly string[], announce: boolean) => {
    if (busy) return;
    busy = true;
    try {
      for (const cron of cronsToRun) await runOne(cron, announce);
    } finally {
      busy = false;
    }
  };

  const scheduleNextMinute = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        void runAll(crons, false);
        scheduleNextMinute();
      },
      minuteMs - (Date.now() % minuteMs),
    );
  };

  const started = runAll([rebootCron], true);
  scheduleNextMinute();
  return {
    started,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

const scheduledResultSchema = z.object({ outcome: z.string() });

/** Runs the handler through the local runtime's `/cdn-cgi/local/scheduled` (Miniflare's, never the Worker's). */
export function scheduledOverHttp(origin: string): RunScheduled {
  return async (cron) => {
    const url = new URL("/cdn-cgi/local/scheduled", origin);
    url.searchParams.set("cron", cron);
    url.searchParams.set("format", "json");
    const response = await fetch(url);
    const parsed = scheduledResultSchema.safeParse(await response.json().catch(() => null));
    return parsed.success ? parsed.data.outcome : `HTTP ${response.status}`;
  };
}
