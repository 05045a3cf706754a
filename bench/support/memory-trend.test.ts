import { describe, expect, it } from "vitest";
import { memoryTrend } from "./memory-trend.ts";

const samplesOf = (megabytes: (minutes: number) => number) =>
  Array.from({ length: 61 }, (_, index) => ({ minutes: index / 6, megabytes: megabytes(index / 6) }));

describe("memoryTrend", () => {
  it("calls memory that levels off after the warm-up flat, whatever it did while warming up", () => {
    const trend = memoryTrend(samplesOf((minutes) => (minutes < 1.5 ? 200 + minutes * 100 : 350 + (minutes % 1))));
    expect(trend.growing).toBe(false);
    expect(trend.ratio).toBeCloseTo(1, 1);
  });

  it("calls a steady climb growing and measures it", () => {
    const trend = memoryTrend(samplesOf((minutes) => 300 + 8 * minutes));
    expect(trend.growing).toBe(true);
    expect(trend.slopeMbPerMinute).toBeCloseTo(8, 5);
    expect(trend.measured).toBe(49);
  });

  it("does not call noise around a level growing", () => {
    const trend = memoryTrend(samplesOf((minutes) => 300 + (Math.round(minutes * 6) % 2 === 0 ? 15 : -15)));
    expect(trend.growing).toBe(false);
  });

  it("judges a small heap's slow climb with a finer slope", () => {
    const heap = samplesOf((minutes) => 20 + 0.5 * minutes);
    expect(memoryTrend(heap).growing).toBe(false);
    expect(memoryTrend(heap, 0.1).growing).toBe(true);
  });

  it("needs samples after the warm-up", () => {
    expect(() => memoryTrend([{ minutes: 0, megabytes: 1 }])).toThrow(/too few samples/);
  });
});
