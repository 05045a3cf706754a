/** Latency figures as the benchmarks print them: percentiles of milliseconds, one line per measured thing. */
import { percentile } from "../eval/retrieval-metrics.ts";

const format = (value: number) =>
  Number.isNaN(value) ? "–" : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

/** `label  p50 …  p95 …  p99 …  max …  (n)`. */
export function latencyLine(label: string, values: readonly number[]): string {
  const column = (name: string, value: number) => `${name} ${format(value).padStart(8)}`;
  return [
    label.padEnd(34),
    column("p50", percentile(values, 50)),
    column("p95", percentile(values, 95)),
    column("p99", percentile(values, 99)),
    column("max", percentile(values, 100)),
    `(${values.length})`,
  ].join("   ");
}

/** The median of `values`; NaN for none. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** `a / b` of two medians, as `12.3 ×`. */
export function ratioLine(label: string, numerator: readonly number[], denominator: readonly number[]): string {
  return `${label.padEnd(34)} ${(median(numerator) / median(denominator)).toFixed(1)} ×`;
}
