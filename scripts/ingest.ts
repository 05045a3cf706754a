/**
 * `npm run ingest -- <folder or file…> [--url <server>] [--collection <name>] [--token <jwt>] [--tenant <slug>]`:
 * uploads every supported file under the given folders to the server, skipping files whose content the server
 * already has (same SHA-256 under the same external id, the path relative to the folder), waits until the
 * uploaded documents are indexed, and prints a summary. Exits with 1 when any file failed, 2 on a usage error.
 *
 * Progress goes to stderr (a bar on a terminal, one line per file otherwise); the summary goes to stdout.
 */
import { stderr, stdout } from "node:process";
import { ApiError } from "../client/api-error.ts";
import { findFiles } from "./ingest/find-files.ts";
import { hashFile } from "./ingest/hash-file.ts";
import { createIngestClient, type IngestClient, readHealth, resolveToken } from "./ingest/ingest-client.ts";
import { parseArguments, UsageError, usage } from "./ingest/parse-arguments.ts";
import { type HashedFile, type PlannedFile, planUploads } from "./ingest/plan-uploads.ts";
import { createProgress, formatBytes } from "./ingest/progress-display.ts";
import { runConcurrently } from "./ingest/run-concurrently.ts";
import { type FileOutcome, formatSummary, summarize } from "./ingest/summarize.ts";
import { waitForDocuments } from "./ingest/wait-for-documents.ts";

const concurrentHashes = 8;
const concurrentUploads = 4;
const pollIntervalMs = 500;
const indexingTimeoutMs = 15 * 60 * 1000;

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2), process.env);
  if (options.help) {
    stdout.write(usage);
    return 0;
  }

  const { files, unsupported } = await findFiles(options.paths);
  for (const path of unsupported) stderr.write(`Skipping ${path}: the server cannot ingest this type of file\n`);

  const health = await readHealth(options.url);
  const token = await resolveToken({ baseUrl: options.url, token: options.token, tenant: options.tenant, health });
  const client = createIngestClient({ baseUrl: options.url, token, health });

  const hashed: HashedFile[] = [];
  await runConcurrently(files, concurrentHashes, async (file) => {
    hashed.push({ ...file, sha256: await hashFile(file.path) });
  });
  const plan = planUploads(
    hashed.sort((first, second) => first.path.localeCompare(second.path)),
    await client.listDocuments(),
  );
  const toUpload = plan.files.filter((planned) => planned.change !== "unchanged");
  const unchanged = plan.files.filter((planned) => planned.change === "unchanged");
  const outcomes: FileOutcome[] = [
    ...unchanged.map(({ file }) => ({ externalId: file.externalId, change: "unchanged" as const, failure: null })),
    ...plan.conflicts.map(({ file, reason }) => ({
      externalId: file.path,
      change: "new" as const,
      failure: `Skipped because ${reason}`,
    })),
  ];
  stderr.write(
    `Found ${files.length} files: ${toUpload.length} to upload to ${options.url} (${formatBytes(sum(toUpload))}), ` +
      `${unchanged.length} unchanged\n`,
  );

  const uploaded = await upload(client, toUpload, options.collection, outcomes);
  await waitForIndexing(client, uploaded, outcomes);

  const summary = summarize(outcomes);
  stdout.write(`${formatSummary(summary)}\n`);
  return summary.failed.length > 0 ? 1 : 0;
}

/** Uploads the files, recording failures in `outcomes`; resolves with the documents that were submitted. */
async function upload(
  client: IngestClient,
  toUpload: PlannedFile[],
  collection: string | null,
  outcomes: FileOutcome[],
): Promise<Map<string, PlannedFile>> {
  const submitted = new Map<string, PlannedFile>();
  if (toUpload.length === 0) return submitted;
  const progress = createProgress(stderr, {
    label: "Uploading",
    totalFiles: toUpload.length,
    totalBytes: sum(toUpload),
  });
  await runConcurrently(toUpload, concurrentUploads, async (planned) => {
    const { file, change } = planned;
    let sent = 0;
    const onBytes = (bytes: number) => {
      sent += bytes;
      progress.addBytes(bytes);
    };
    try {
      const document = await client.uploadFile(file, { collection, onBytes });
      submitted.set(document.id, planned);
      progress.finishFile(`uploaded ${file.externalId} (${change}, ${formatBytes(file.size)})`);
    } catch (error) {
      const reason = uploadFailure(error);
      outcomes.push({ externalId: file.externalId, change, failure: reason });
      // The bar counts a failed file as done, so it still reaches the end.
      progress.addBytes(file.size - sent);
      progress.finishFile(`failed ${file.externalId}: ${reason}`);
    }
  });
  progress.stop();
  return submitted;
}

/** Waits until every submitted document is ready or failed, and records how each ended. */
async function waitForIndexing(
  client: IngestClient,
  submitted: Map<string, PlannedFile>,
  outcomes: FileOutcome[],
): Promise<void> {
  if (submitted.size === 0) return;
  const progress = createProgress(stderr, { label: "Indexing", totalFiles: submitted.size, totalBytes: 0 });
  const documents = await waitForDocuments([...submitted.keys()], (id) => client.getDocument(id), {
    intervalMs: pollIntervalMs,
    timeoutMs: indexingTimeoutMs,
    onSettled: (document) =>
      progress.finishFile(
        `${document.status} ${document.externalId ?? document.title}${failureSuffix(document.error)}`,
      ),
  });
  progress.stop();
  for (const [id, { file, change }] of submitted) {
    const document = documents.get(id);
    const failure =
      document?.status === "ready"
        ? null
        : document?.status === "failed"
          ? (document.error ?? "Ingestion failed without a reason")
          : `Still ${document?.status ?? "unknown"} after ${indexingTimeoutMs / 60_000} minutes`;
    outcomes.push({ externalId: file.externalId, change, failure });
  }
}

/** Why an upload failed; a refusal names its HTTP status. */
function uploadFailure(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (HTTP ${error.status})`;
  return error instanceof Error ? error.message : String(error);
}

function failureSuffix(error: string | null): string {
  return error ? `: ${error}` : "";
}

function sum(planned: PlannedFile[]): number {
  return planned.reduce((total, { file }) => total + file.size, 0);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      stderr.write(`${error.message}\n\n${usage}`);
      process.exitCode = 2;
      return;
    }
    stderr.write(`ingest: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
