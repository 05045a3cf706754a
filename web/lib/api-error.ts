import type { ApiErrorBody } from "../../worker/contract";

/** An API error response (`{"error": {"code", "message"}}`) or a failed request. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return typeof error === "object" && error !== null && "message" in error && typeof error.message === "string";
}

/** The message of an error body in JSON text, or undefined when the text is not one. */
export function messageFromErrorText(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return isApiErrorBody(body) ? body.error.message : undefined;
  } catch {
    return undefined;
  }
}

/** Builds an ApiError from a non-OK response, reading its JSON error body when it has one. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const body: unknown = JSON.parse(text);
    if (isApiErrorBody(body)) return new ApiError(response.status, body.error.code, body.error.message);
  } catch {
    // Not JSON: a proxy or platform error page.
  }
  const fallback = response.statusText || `Request failed with status ${response.status}`;
  return new ApiError(response.status, "http_error", text && text.length < 200 ? text : fallback);
}

/**
 * A readable message for any error: API errors give their message; the AI SDK puts the raw response body
 * of a failed chat request into `error.message`, so an error body there is unwrapped too.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) {
    const fromBody = messageFromErrorText(error.message);
    if (fromBody) return fromBody;
    if (error.name === "TypeError") return `Network error: ${error.message}`;
    return error.message || "Something went wrong.";
  }
  return String(error);
}
