/**
 * Whether memory sampled over a run keeps growing once warmed up: the least-squares slope of the samples after the
 * warm-up, and the ratio of their last quarter's mean to their first quarter's.
 */

export interface MemorySample {
  minutes: number;
  megabytes: number;
}

export interface MemoryTrend {
  /** Samples after the warm-up. */
  measured: number;
  slopeMbPerMinute: number;
  /** Mean of the last quarter of the measured samples over the mean of the first quarter. */
  ratio: number;
  growing: boolean;
}

/** The share of the run that counts as warm-up (caches, compiled code, first objects), not measured. */
export const warmUpFraction = 0.2;
/** Clearly growing: the end is more than this much above the start of the measured part … */
export const growingRatio = 1.1;
/**
 * … and the trend over the whole measured part is at least this steep: by default 1 MB a minute, for a process's
 * hundreds of megabytes; a JavaScript heap of tens of megabytes is judged with a finer slope.
 */
export const defaultGrowingSlopeMbPerMinute = 1;

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function memoryTrend(
  samples: readonly MemorySample[],
  growingSlopeMbPerMinute = defaultGrowingSlopeMbPerMinute,
): MemoryTrend {
  const end = samples.at(-1)?.minutes ?? 0;
  const measured = samples.filter((sample) => sample.minutes >= end * warmUpFraction);
  if (measured.length < 4) throw new Error("too few samples after the warm-up to judge a trend");
  const meanMinutes = mean(measured.map((sample) => sample.minutes));
  const meanMegabytes = mean(measured.map((sample) => sample.megabytes));
  const covariance = measured.reduce(
    (sum, sample) => sum + (sample.minutes - meanMinutes) * (sample.megabytes - meanMegabytes),
    0,
  );
  const variance = measured.reduce((sum, sample) => sum + (sample.minutes - meanMinutes) ** 2, 0);
  const slopeMbPerMinute = covariance / variance;
  const quarter = Math.max(1, Math.floor(measured.length / 4));
  const ratio =
    mean(measured.slice(-quarter).map((sample) => sample.megabytes)) /
    mean(measured.slice(0, quarter).map((sample) => sample.megabytes));
  return {
    measured: measured.length,
    slopeMbPerMinute,
    ratio,
    growing: ratio > growingRatio && slopeMbPerMinute >= growingSlopeMbPerMinute,
  };
}
