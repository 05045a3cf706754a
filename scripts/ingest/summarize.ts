import type { Change } from "./plan-uploads.ts";

/** What became of one file: its change, and why it failed if it did. */
export interface FileOutcome {
  externalId: string;
  change: Change;
  failure: string | null;
}

export interface IngestSummary {
  new: number;
  updated: number;
  unchanged: number;
  failed: Array<{ externalId: string; reason: string }>;
}

/** Counts the outcomes; a file that failed counts as failed only, whatever its change was. */
export function summarize(outcomes: FileOutcome[]): IngestSummary {
  const summary: IngestSummary = { new: 0, updated: 0, unchanged: 0, failed: [] };
  for (const outcome of outcomes) {
    if (outcome.failure !== null) summary.failed.push({ externalId: outcome.externalId, reason: outcome.failure });
    else summary[outcome.change] += 1;
  }
  summary.failed.sort((first, second) => first.externalId.localeCompare(second.externalId));
  return summary;
}

/** The summary as printed at the end of a run: one line of counts, then each failure with its reason. */
export function formatSummary(summary: IngestSummary): string {
  const counts = `${summary.new} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed.length} failed`;
  const failures = summary.failed.map((failure) => `  ${failure.externalId}: ${failure.reason}`);
  return [`Summary: ${counts}`, ...(failures.length > 0 ? ["Failed:", ...failures] : [])].join("\n");
}
