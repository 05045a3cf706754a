import { type ErrorCode, errorStatuses } from "../contract";

/**
 * The one error type routes and domain code throw for expected failures. `app.onError` turns it into
 * `{"error": {"code", "message"}}` with the code's HTTP status; the message is shown to users, so keep it readable.
 */
export class AppError extends Error {
  readonly status: (typeof errorStatuses)[ErrorCode];

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
    this.status = errorStatuses[code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} was not found`);
