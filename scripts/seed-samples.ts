/**
 * The demo tenant of a local server: the sample documents in `scripts/sample-documents/`, upserted by file name
 * through the API (so a restart never duplicates them), and their indexing reported as it goes. Never fatal: the
 * server keeps serving whatever happens here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readBody } from "../client/api-client.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { listAllDocuments } from "../client/list-documents.ts";

/** The tenant that `npm start` fills with the sample documents. */
export const demoTenant = "demo";

const pending = new Set(["queued", "processing"]);
const firstPollMs = 1_000;
const slowestPollMs = 15_000;
const quietWarningMs = 60_000;

export interface SeedOptions {
  origin: string;
  folder: string;
  log: (line: string) => void;
}

/**
 * Submits the sample documents and polls until none is pending, printing "Indexing sample documents: n/m ready"
 * on every change and each failure's reason; waits as long as it takes (a stalled document is the reconciler's to
 * re-send). Resolves with the final line, "Sample documents: n/m ready", which it also prints.
 */
export async function seedSampleDocuments({ origin, folder, log }: SeedOptions): Promise<string> {
  const { api } = await connectWithDevToken({ baseUrl: origin }, "admin", demoTenant);
  const documents = readdirSync(folder)
    .filter((name) => name.endsWith(".md"))
    .map((name) => {
      const text = readFileSync(join(folder, name), "utf8");
      const title = text.match(/^# (.+)$/m)?.[1] ?? name;
      return { externalId: `sample/${name}`, title, text, contentType: "text/markdown" as const };
    });
  await readBody(api.documents.batch.$post({ json: { documents } }));
  const ours = new Set(documents.map((document) => document.externalId));

  let lastProgress = "";
  let lastChangeAt = Date.now();
  let warned = false;
  const reportedFailures = new Set<string>();
  let pollMs = firstPollMs;
  for (;;) {
    const listed = (await listAllDocuments(api)).filter(
      (document) => document.externalId !== null && ours.has(document.externalId),
    );
    const ready = listed.filter((document) => document.status === "ready").length;
    const progress = `${ready}/${ours.size} ready`;
    for (const failed of listed.filter((document) => document.status === "failed")) {
      if (reportedFailures.has(failed.title)) continue;
      reportedFailures.add(failed.title);
      log(`Sample document "${failed.title}" failed: ${failed.error ?? "no reason given"}`);
    }
    const waiting = listed.filter((document) => pending.has(document.status));
    if (waiting.length === 0) {
      const summary = `Sample documents: ${progress}`;
      log(summary);
      return summary;
    }
    if (progress !== lastProgress) {
      log(`Indexing sample documents: ${progress}`);
      lastProgress = progress;
      lastChangeAt = Date.now();
      pollMs = firstPollMs;
    } else {
      // Nothing moved: ask less often, so a stalled seed does not fill the request log.
      pollMs = Math.min(pollMs * 1.5, slowestPollMs);
    }
    if (!warned && Date.now() - lastChangeAt > quietWarningMs) {
      warned = true;
      log(
        `Still waiting for ${waiting.map((document) => `"${document.title}" (${document.status})`).join(", ")}; ` +
          "the server is up, and interrupted ingestion is re-sent by the scheduled reconciler (README, Troubleshooting).",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
