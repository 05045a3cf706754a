/** Per-stage server timings of many requests, gathered to print one percentile line per stage. */
import { latencyLine } from "./latency.ts";

export class StageSamples {
  private readonly samples = new Map<string, number[]>();

  add(stage: string, milliseconds: number | null | undefined): void {
    if (milliseconds === null || milliseconds === undefined || Number.isNaN(milliseconds)) return;
    const values = this.samples.get(stage) ?? [];
    values.push(milliseconds);
    this.samples.set(stage, values);
  }

  /** One line per stage, in the order `labels` gives; stages no request reported are left out. */
  lines(labels: ReadonlyArray<readonly [stage: string, label: string]>): string[] {
    return labels.flatMap(([stage, label]) => {
      const values = this.samples.get(stage);
      return values ? [latencyLine(label, values)] : [];
    });
  }
}
