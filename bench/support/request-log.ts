/**
 * What the benchmark's requests did, by kind: how many, how many failed (any status but 2xx and 429, a network
 * failure, a broken stream), how many were refused with 429 and retried, and the latency of those that succeeded.
 */
import { percentile } from "../eval/retrieval-metrics.ts";

interface KindRecord {
  succeeded: number;
  rateLimited: number;
  failures: string[];
  latenciesMs: number[];
}

/** How many failure messages a kind keeps to print; the count covers them all. */
const keptFailures = 5;

export class RequestLog {
  private readonly kinds = new Map<string, KindRecord>();

  private record(kind: string): KindRecord {
    let record = this.kinds.get(kind);
    if (!record) {
      record = { succeeded: 0, rateLimited: 0, failures: [], latenciesMs: [] };
      this.kinds.set(kind, record);
    }
    return record;
  }

  succeeded(kind: string, latencyMs: number): void {
    const record = this.record(kind);
    record.succeeded++;
    record.latenciesMs.push(latencyMs);
  }

  rateLimited(kind: string): void {
    this.record(kind).rateLimited++;
  }

  failed(kind: string, reason: string): void {
    this.record(kind).failures.push(reason);
  }

  /** Every failure of every kind. */
  failureCount(): number {
    return [...this.kinds.values()].reduce((sum, record) => sum + record.failures.length, 0);
  }

  /** Responses with a 5xx status, which the benchmarks promise never to see. */
  serverErrorCount(): number {
    return [...this.kinds.values()].reduce(
      (sum, record) => sum + record.failures.filter((failure) => /^5\d\d\b/.test(failure)).length,
      0,
    );
  }

  /** One line per kind: requests, errors, 429s, p50/p95/max latency; then a few failures of each kind. */
  table(): string {
    const header = ["kind", "requests", "errors", "429s", "p50 ms", "p95 ms", "max ms"];
    const rows = [...this.kinds.entries()].map(([kind, record]) => {
      const latencies = record.latenciesMs;
      return [
        kind,
        String(record.succeeded + record.failures.length),
        String(record.failures.length),
        String(record.rateLimited),
        formatMs(percentile(latencies, 50)),
        formatMs(percentile(latencies, 95)),
        formatMs(latencies.length === 0 ? Number.NaN : Math.max(...latencies)),
      ];
    });
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
    );
    const line = (cells: string[]) =>
      cells
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join("  ");
    const failures = [...this.kinds.entries()].flatMap(([kind, record]) =>
      record.failures.slice(0, keptFailures).map((failure) => `  ${kind}: ${failure}`),
    );
    return [line(header), ...rows.map(line), ...(failures.length > 0 ? ["failures:", ...failures] : [])].join("\n");
  }
}

function formatMs(value: number): string {
  return Number.isNaN(value) ? "-" : String(Math.round(value));
}
