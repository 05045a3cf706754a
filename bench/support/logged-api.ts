/**
 * The benchmarks' view of the one typed client (`client/api-client.ts`) for one credential: every call is timed and
 * logged under a kind, and retried after a 429 as its `Retry-After` says, so that a run ends with all its work done.
 */
import { type ApiClient, createApiClient } from "../../client/api-client.ts";
import { ApiError } from "../../client/api-error.ts";
import type { RequestLog } from "./request-log.ts";

/** The longest a 429's `Retry-After` makes a call wait, in seconds (the rate limits' window is 60 s). */
const maxRetryAfterSeconds = 60;

/** A call that did not succeed; already in the log. */
class RequestFailure extends Error {}

export class LoggedApi {
  readonly api: ApiClient;
  private readonly log: RequestLog;

  constructor(baseUrl: string, credential: string, log: RequestLog) {
    this.api = createApiClient({ baseUrl, token: credential });
    this.log = log;
  }

  /**
   * Runs `send` (a typed call, with whatever reading of its answer belongs to it) and logs it under `kind`; the
   * latency includes the reading, and whatever `send` throws is a failure of the call.
   */
  async call<Result>(kind: string, send: (api: ApiClient) => Promise<Result>): Promise<Result> {
    for (;;) {
      const started = performance.now();
      try {
        const result = await send(this.api);
        this.log.succeeded(kind, performance.now() - started);
        return result;
      } catch (error) {
        if (error instanceof ApiError && error.status === 429) {
          this.log.rateLimited(kind);
          await waitSeconds(Math.min(error.retryAfterSeconds ?? 1, maxRetryAfterSeconds));
          continue;
        }
        const reason = error instanceof ApiError ? `${error.status} ${error.message}` : describe(error);
        this.log.failed(kind, reason);
        throw new RequestFailure(reason);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Waits, for pacing and for `Retry-After`: time is what the benchmark waits for here. */
export function waitSeconds(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
