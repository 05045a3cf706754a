import { DrizzleQueryError } from "drizzle-orm";
import { FetchFailedError } from "../lib/safe-fetch";
import { DocumentParseError } from "../rag/parse/document-parse-error";
import { IngestError } from "./ingest-dependencies";

/** A part of the pipeline that talks to something outside the Worker, named as a person would. */
export type IngestStep = "file storage" | "file parsing" | "embedding service" | "vector index" | "queue";

/** A failure of one step of the pipeline; what went wrong in detail stays in `cause`, for the logs. */
export class IngestStepError extends Error {
  override name = "IngestStepError";

  constructor(
    readonly step: IngestStep,
    options: { cause: unknown },
  ) {
    super(`Ingestion failed at the ${step}`, options);
  }
}

/** Runs one step: anything it throws that is not already a reason for people is recorded as a failure of `step`. */
export async function duringStep<Result>(step: IngestStep, work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    throw isDocumentFailure(error) || error instanceof IngestStepError
      ? error
      : new IngestStepError(step, { cause: error });
  }
}

/** A failure of the document itself (an unreadable file, no text): retrying cannot help. */
export function isDocumentFailure(error: unknown): error is DocumentParseError | IngestError {
  return error instanceof DocumentParseError || error instanceof IngestError;
}

/**
 * The sentence written on the document and its job for a failure. The document's own failures say what is wrong
 * with it; anything else says which part failed, never how: SQL, parameters, stack traces and paths go to the logs.
 */
export function failureReason(error: unknown): string {
  if (isDocumentFailure(error)) return error.message;
  // What a server answered (or that it did not) is about the page, not about us.
  if (error instanceof FetchFailedError) return error.message;
  if (error instanceof IngestStepError && error.step === "file parsing") {
    return "Ingestion failed while parsing the file (unexpected parser error)";
  }
  if (error instanceof IngestStepError) return `Ingestion failed on our side (${error.step} error)`;
  if (isDatabaseFailure(error)) return `Ingestion failed on our side (${databaseProblem(error)})`;
  return "Ingestion failed on our side (unexpected error)";
}

const databaseProblems: Array<[RegExp, string]> = [
  [
    /too many SQL variables|too many terms in compound SELECT|statement too long|SQLITE_TOOBIG/i,
    "a database statement exceeded D1's limits",
  ],
  [/overloaded|SQLITE_BUSY|database is locked|queued for too long/i, "the database was busy"],
  [/network connection lost|connection reset|timed out|timeout/i, "the connection to the database was lost"],
];

function isDatabaseFailure(error: unknown): boolean {
  return error instanceof DrizzleQueryError || messages(error).some((message) => /\bD1_|SQLITE_/.test(message));
}

function databaseProblem(error: unknown): string {
  const text = messages(error).join("\n");
  return databaseProblems.find(([pattern]) => pattern.test(text))?.[1] ?? "database error";
}

/** The messages of an error and its causes, leaving out drizzle's, which quote the SQL and the documents' text. */
function messages(error: unknown): string[] {
  const found: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (!(current instanceof DrizzleQueryError))
      found.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return found;
}
