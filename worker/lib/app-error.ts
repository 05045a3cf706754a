import { type ErrorCode, errorStatuses } from "../contract";

/** Extra facts about an error that become response headers. */
export interface AppErrorOptions {
  /** Sent as `Retry-After`: when trying again can succeed (rate limits, budgets). */
  retryAfterSeconds?: number;
}

/**
 * The one error type routes and domain code throw for expected failures. `app.onError` turns it into
 * `{"error": {"code", "message"}}` with the code's HTTP status; the message is shown to users, so keep it readable.
 */
export class AppError extends Error {
  readonly status: (typeof errorStatuses)[ErrorCode];
  readonly retryAfterSeconds: number | null;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = errorStatuses[code];
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} was not found`);
