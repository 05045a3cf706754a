import { APICallError, type LanguageModelV4, type LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { wrapLanguageModel } from "ai";

/**
 * Gives every call to a remote model `timeoutMs` to respond (for a stream: until the response starts, before any
 * text). A call that takes longer is cancelled and fails as a retryable `APICallError`, like a 429 or a 5xx, so the
 * AI SDK's `maxRetries` tries it again. That is safe because nothing of the cancelled call has reached the user.
 * Once a stream has started, `streamText`'s chunk timeout watches it instead.
 */
export function withRequestTimeout(model: LanguageModelV4, timeoutMs: number): LanguageModelV4 {
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: "v4",
      wrapGenerate: ({ params, model: inner }) =>
        callWithTimeout(params, timeoutMs, (options) => inner.doGenerate(options)),
      wrapStream: ({ params, model: inner }) =>
        callWithTimeout(params, timeoutMs, (options) => inner.doStream(options)),
    },
  });
}

async function callWithTimeout<Result>(
  params: LanguageModelV4CallOptions,
  timeoutMs: number,
  call: (options: LanguageModelV4CallOptions) => PromiseLike<Result>,
): Promise<Result> {
  const timeout = new AbortController();
  // Racing the call, not only aborting it, also covers a provider that ignores its abort signal.
  const timedOut = new Promise<never>((_, reject) => {
    timeout.signal.addEventListener(
      "abort",
      () =>
        reject(
          new APICallError({
            message: `The model did not respond within ${timeoutMs} ms`,
            url: "",
            requestBodyValues: undefined,
            statusCode: 408,
            isRetryable: true,
          }),
        ),
      { once: true },
    );
  });
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const abortSignal = params.abortSignal ? AbortSignal.any([params.abortSignal, timeout.signal]) : timeout.signal;
  try {
    return await Promise.race([call({ ...params, abortSignal }), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
