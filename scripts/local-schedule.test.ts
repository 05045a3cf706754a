import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { rebootCron, startLocalSchedule } from "./local-schedule.ts";

const minute = 60_000;

beforeEach(() => {
  vi.useFakeTimers();
  // Twenty seconds into a minute, so the first tick is 40 s away.
  vi.setSystemTime(new Date("2026-11-29T10:00:20Z"));
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the local schedule", () => {
  it('runs "@reboot" at once, then every cron at the start of each minute', async () => {
    const runs: string[] = [];
    const lines: string[] = [];
    const schedule = startLocalSchedule({
      run: async (cron) => {
        runs.push(`${new Date().toISOString().slice(11, 19)} ${cron}`);
        return "ok";
      },
      crons: ["* * * * *", "*/10 * * * *"],
      log: (line) => lines.push(line),
    });
    await schedule.started;
    expect(runs).toEqual([`10:00:20 ${rebootCron}`]);
    expect(lines).toEqual(['Scheduled handler (cron "@reboot"): ok']);

    await vi.advanceTimersByTimeAsync(40_000 - 1);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(2 * minute);
    expect(runs).toEqual([
      `10:00:20 ${rebootCron}`,
      "10:01:00 * * * * *",
      "10:01:00 */10 * * * *",
      "10:02:00 * * * * *",
      "10:02:00 */10 * * * *",
      "10:03:00 * * * * *",
      "10:03:00 */10 * * * *",
    ]);
    // Runs that end "ok" on a tick stay quiet; only the start-up run is announced.
    expect(lines).toHaveLength(1);

    schedule.stop();
    await vi.advanceTimersByTimeAsync(5 * minute);
    expect(runs).toHaveLength(7);
  });

  it("reports a run that failed or could not reach the server, and keeps going", async () => {
    const outcomes = ["exception", "ok"];
    const lines: string[] = [];
    let calls = 0;
    const schedule = startLocalSchedule({
      run: async () => {
        calls += 1;
        const outcome = outcomes.shift();
        if (!outcome) throw new Error("fetch failed");
        return outcome;
      },
      crons: ["* * * * *"],
      log: (line) => lines.push(line),
    });
    await schedule.started;
    // Ticks at 10:01 (ok), 10:02 and 10:03 (the server does not answer).
    await vi.advanceTimersByTimeAsync(40_000 + 2 * minute);
    schedule.stop();
    expect(calls).toBe(4);
    expect(lines).toEqual([
      'Scheduled handler (cron "@reboot"): exception; the server log above says why',
      'Scheduled handler (cron "* * * * *"): fetch failed; the server log above says why',
      'Scheduled handler (cron "* * * * *"): fetch failed; the server log above says why',
    ]);
  });

  it("skips a minute while the previous runs are still going, so runs never pile up", async () => {
    const started: string[] = [];
    const finishers: Array<() => void> = [];
    const schedule = startLocalSchedule({
      run: (cron) => {
        started.push(cron);
        return new Promise((resolve) => finishers.push(() => resolve("ok")));
      },
      crons: ["* * * * *"],
      log: () => {},
    });
    // "@reboot" is still running at the next two ticks.
    await vi.advanceTimersByTimeAsync(40_000 + minute);
    expect(started).toEqual([rebootCron]);
    finishers.shift()?.();
    await schedule.started;
    await vi.advanceTimersByTimeAsync(minute);
    expect(started).toEqual([rebootCron, "* * * * *"]);
    schedule.stop();
    for (const finish of finishers) finish();
  });
});
