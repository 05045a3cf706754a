import { APICallError, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { streamText } from "ai";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { tokenUsage } from "../../test/support/model-doubles";
import { withRequestTimeout } from "./request-timeout";

const answer: LanguageModelV4StreamPart[] = [
  { type: "text-start", id: "t" },
  { type: "text-delta", id: "t", delta: "Answered." },
  { type: "text-end", id: "t" },
  {
    type: "finish",
    usage: tokenUsage(1, 1),
    finishReason: { unified: "stop", raw: "stop" },
  },
];

/** A model whose first `hangs` calls never answer (they only end when aborted), and later calls answer at once. */
function modelThatHangs(hangs: number) {
  const aborted: boolean[] = [];
  const model = new MockLanguageModelV4({
    doStream: async ({ abortSignal }) => {
      if (aborted.length < hangs) {
        const index = aborted.push(false) - 1;
        // Ignores its signal on purpose, like a provider that never gives up; the race still ends the wait.
        abortSignal?.addEventListener("abort", () => {
          aborted[index] = true;
        });
        return new Promise<never>(() => {});
      }
      return { stream: convertArrayToReadableStream(answer) };
    },
  });
  return { model, aborted };
}

describe("withRequestTimeout", () => {
  it("fails a call that does not respond in time as a retryable 408, and cancels it", async () => {
    const { model, aborted } = modelThatHangs(1);
    const error = await Promise.resolve(
      withRequestTimeout(model, 10).doStream({ prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }),
    ).catch((reason: unknown) => reason);
    expect(APICallError.isInstance(error) && { statusCode: error.statusCode, retryable: error.isRetryable }).toEqual({
      statusCode: 408,
      retryable: true,
    });
    expect(aborted).toEqual([true]);
  });

  it("lets streamText retry a timed-out call, which then answers", async () => {
    const { model } = modelThatHangs(1);
    const result = streamText({ model: withRequestTimeout(model, 10), prompt: "Hi", maxRetries: 1 });
    expect(await result.text).toBe("Answered.");
    expect(model.doStreamCalls).toHaveLength(2);
  });

  it("keeps a stop from the caller an abort, not a retryable timeout", async () => {
    const model = new MockLanguageModelV4({
      // Like fetch: rejects with the abort reason, at once if the signal is already aborted.
      doStream: ({ abortSignal }) =>
        new Promise<never>((_, reject) => {
          if (abortSignal?.aborted) reject(abortSignal.reason);
          abortSignal?.addEventListener("abort", () => reject(abortSignal.reason));
        }),
    });
    const stop = new AbortController();
    const call = withRequestTimeout(model, 60_000).doStream({
      prompt: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      abortSignal: stop.signal,
    });
    stop.abort(new DOMException("stopped", "AbortError"));
    const error = await Promise.resolve(call).catch((reason: unknown) => reason);
    expect(APICallError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({ name: "AbortError" });
  });
});
