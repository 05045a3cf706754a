/**
 * The benchmarks' HTTP client for one credential: every call is timed and logged under a kind, checked against a
 * schema, and retried after a 429 as its `Retry-After` says, so that a run ends with all its work done.
 */
import type { z } from "zod";
import type { RequestLog } from "./request-log.ts";

/** The longest a 429's `Retry-After` makes a call wait, in seconds (the chat limit's window is 60 s). */
const maxRetryAfterSeconds = 60;

/** A call that did not succeed; already in the log. */
class RequestFailure extends Error {}

export interface ApiCall {
  kind: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly credential: string;
  private readonly log: RequestLog;

  constructor(baseUrl: string, credential: string, log: RequestLog) {
    this.baseUrl = baseUrl;
    this.credential = credential;
    this.log = log;
  }

  /** Calls the API and parses the JSON answer with `schema`. */
  json<Schema extends z.ZodType>(call: ApiCall, schema: Schema): Promise<z.infer<Schema>> {
    return this.exchange(call, async (response) => schema.parse(await response.json()));
  }

  /**
   * Calls the API and hands a successful response to `read` (e.g. to read a stream to its end); the latency includes
   * the reading, and an error `read` throws is a failure of the call.
   */
  async exchange<Result>(call: ApiCall, read: (response: Response) => Promise<Result>): Promise<Result> {
    for (;;) {
      const started = performance.now();
      let response: Response;
      try {
        response = await fetch(`${this.baseUrl}${call.path}`, {
          method: call.method,
          headers: {
            Authorization: `Bearer ${this.credential}`,
            ...(call.body === undefined ? {} : { "Content-Type": "application/json" }),
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
      } catch (error) {
        throw this.fail(call, `network: ${describe(error)}`);
      }
      if (response.status === 429) {
        this.log.rateLimited(call.kind);
        await response.body?.cancel();
        await waitSeconds(retryAfterSeconds(response));
        continue;
      }
      if (!response.ok) {
        throw this.fail(
          call,
          `${response.status} ${call.method} ${call.path}: ${(await response.text()).slice(0, 300)}`,
        );
      }
      try {
        const result = await read(response);
        this.log.succeeded(call.kind, performance.now() - started);
        return result;
      } catch (error) {
        throw this.fail(call, `${call.method} ${call.path}: ${describe(error)}`);
      }
    }
  }

  private fail(call: ApiCall, reason: string): RequestFailure {
    this.log.failed(call.kind, reason);
    return new RequestFailure(reason);
  }
}

function retryAfterSeconds(response: Response): number {
  const seconds = Number(response.headers.get("Retry-After"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, maxRetryAfterSeconds) : 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Waits, for pacing and for `Retry-After`: time is what the benchmark waits for here. */
export function waitSeconds(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
