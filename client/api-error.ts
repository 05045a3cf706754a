import { type ErrorCode, errorCodes } from "../worker/contract.ts";

/**
 * What went wrong with a call to the API: the error code and message the server answered with
 * (`{"error": {"code", "message"}}`), or `unreadable_response` when something in front of it (a proxy, the platform)
 * answered with a page of its own; the HTTP status; and how long to wait before trying again when the server said so.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: ErrorCode | "unreadable_response";
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: ErrorCode | "unreadable_response",
    message: string,
    retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The error of a response that is not a success, read from its JSON error body when it has one. */
  static async fromResponse(response: Pick<Response, "status" | "statusText" | "headers" | "text">): Promise<ApiError> {
    const text = await response.text().catch(() => "");
    const retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
    const body = errorBody(text);
    if (body) return new ApiError(response.status, body.code, body.message, retryAfter);
    const fallback = response.statusText || `Request failed with status ${response.status}`;
    return new ApiError(
      response.status,
      "unreadable_response",
      text && text.length < 200 ? text : fallback,
      retryAfter,
    );
  }
}

const knownCodes: ReadonlySet<string> = new Set(errorCodes);

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && knownCodes.has(value);
}

/** The code and message of an API error body in JSON text; undefined when the text is not one. */
function errorBody(text: string): { code: ErrorCode; message: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
  const { error } = body;
  if (typeof error !== "object" || error === null || !("message" in error) || !("code" in error)) return undefined;
  const { code, message } = error;
  return isErrorCode(code) && typeof message === "string" ? { code, message } : undefined;
}

/** `Retry-After` in seconds (the API sends seconds, never an HTTP date). */
function retryAfterSeconds(header: string | null): number | null {
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header);
}

/**
 * A readable message for any error: an API error gives its message; the AI SDK puts the raw response body of a
 * failed chat request into `error.message`, so an error body there is unwrapped too.
 */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) {
    const fromBody = errorBody(error.message);
    if (fromBody) return fromBody.message;
    if (error.name === "TypeError") return `Network error: ${error.message}`;
    return error.message || "Something went wrong.";
  }
  return String(error);
}
