import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart, LanguageModelV4Usage } from "@ai-sdk/provider";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";

/** Token usage as a language model reports it, for test doubles. */
export function tokenUsage(input: number, output: number): LanguageModelV4Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** The prompt a test double received, as role and plain text per message. */
export function promptText(call: LanguageModelV4CallOptions | undefined) {
  return (call?.prompt ?? []).map((message) => ({
    role: message.role,
    text:
      message.role === "system"
        ? message.content
        : message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
  }));
}

/** A chat model that answers "Answer n [1]." to its n-th question, records what it was asked, and titles "A title". */
export function recordingModel(calls: LanguageModelV4CallOptions[]) {
  const usage = tokenUsage(1, 1);
  return () =>
    new MockLanguageModelV4({
      doStream: async (options) => {
        calls.push(options);
        return {
          stream: convertArrayToReadableStream<LanguageModelV4StreamPart>([
            { type: "text-start", id: "t" },
            { type: "text-delta", id: "t", delta: `Answer ${calls.length} [1].` },
            { type: "text-end", id: "t" },
            { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
          ]),
        };
      },
      doGenerate: async () => ({
        content: [{ type: "text", text: "A title" }],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
      }),
    });
}
