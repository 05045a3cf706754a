import type { LanguageModelV4CallOptions, LanguageModelV4Usage } from "@ai-sdk/provider";

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
