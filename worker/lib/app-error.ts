import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one error type routes and domain code throw for expected failures. `app.onError` turns it into
 * `{"error": {"code", "message"}}` with `status`; the message is shown to users, so keep it readable.
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError(404, "not_found", `${what} was not found`);
