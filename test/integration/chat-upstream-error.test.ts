/**
 * Upstream failures, with a `MockLanguageModelV4` in place of the production model: retried while nothing has been
 * streamed, then reported in the stream as an error part a user can read, and saved as an errored answer.
 */

import { env } from "cloudflare:workers";
import { APICallError, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { devToken, uniqueTenant } from "../support/api";
import { ask, messageText, readStream, savedAnswer, setUpConversation, streamedText } from "../support/chat-stream";
import { tokenUsage } from "../support/model-doubles";

const hotelQuestion = "How much is reimbursed for a hotel night in a capital city?";

/** The model is a mock, so the tenant needs no documents. */
async function tenantWithToken() {
  const tenant = uniqueTenant();
  return { tenant, token: await devToken("member", tenant) };
}

const usage = tokenUsage(120, 6);

function upstreamError(statusCode: number, message: string): APICallError {
  return new APICallError({
    message,
    url: "https://llm.internal.example:8443/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    // No waiting between the retries in a test.
    responseHeaders: { "retry-after-ms": "0" },
  });
}

function streaming(parts: LanguageModelV4StreamPart[]) {
  return { stream: convertArrayToReadableStream(parts) };
}

describe("an upstream model failure", () => {
  it("mid-stream reaches the client as an error part, and the partial answer is saved as errored", async () => {
    const { tenant, token } = await tenantWithToken();
    const conversationId = `upstream-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, {
      chatModel: () =>
        new MockLanguageModelV4({
          doStream: async () =>
            streaming([
              { type: "stream-start", warnings: [] },
              { type: "text-start", id: "t" },
              { type: "text-delta", id: "t", delta: "Hotel nights are reimbursed " },
              { type: "text-delta", id: "t", delta: "up to 180 euros [1]" },
              { type: "error", error: upstreamError(502, "Bad gateway from llm.internal.example:8443") },
            ]),
        }),
    });

    const response = await ask(token, conversationId, hotelQuestion);
    expect(response.status).toBe(200);
    const { events, done } = await readStream(response);
    expect(done).toBe(true);
    const errors = events.filter((event) => event.chunk.type === "error").map((event) => event.chunk);
    expect(errors).toEqual([{ type: "error", errorText: "The model service failed to answer; please try again." }]);
    expect(JSON.stringify(events)).not.toContain("llm.internal");

    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({
      status: "errored",
      reason: "The model service failed to answer; please try again.",
      model: "mock",
    });
    expect(messageText(saved)).toBe("Hotel nights are reimbursed up to 180 euros [1]");
    expect(messageText(saved)).toBe(streamedText(events));
  });

  it("is retried when it fails before any text (503), and the answer then completes", async () => {
    const { tenant, token } = await tenantWithToken();
    const conversationId = `retried-${crypto.randomUUID()}`;
    const calls: string[] = [];
    await setUpConversation(tenant, conversationId, {
      chatModel: () =>
        new MockLanguageModelV4({
          doStream: async () => {
            calls.push("call");
            if (calls.length === 1) throw upstreamError(503, "Service Unavailable");
            return streaming([
              { type: "text-start", id: "t" },
              { type: "text-delta", id: "t", delta: "Up to 180 euros a night [1]." },
              { type: "text-end", id: "t" },
              { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
            ]);
          },
        }),
    });

    const { events } = await readStream(await ask(token, conversationId, hotelQuestion));
    expect(calls).toHaveLength(2);
    expect(events.some((event) => event.chunk.type === "error")).toBe(false);
    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "complete", usage: { inputTokens: 120, outputTokens: 6 } });
    expect(messageText(saved)).toBe("Up to 180 euros a night [1].");

    const recorded = await env.DB.prepare(
      "SELECT model, input_tokens, output_tokens, first_token_ms, total_ms FROM usage WHERE conversation_id = ?",
    )
      .bind(conversationId)
      .all();
    expect(recorded.results).toEqual([
      expect.objectContaining({
        model: "mock",
        input_tokens: 120,
        output_tokens: 6,
        first_token_ms: expect.any(Number),
      }),
    ]);
  });

  it("gives up after the retries on a rate limit, says so, and saves the answer as errored", async () => {
    const { tenant, token } = await tenantWithToken();
    const conversationId = `limited-${crypto.randomUUID()}`;
    const calls: string[] = [];
    await setUpConversation(tenant, conversationId, {
      chatModel: () =>
        new MockLanguageModelV4({
          doStream: async () => {
            calls.push("call");
            throw upstreamError(429, "Too Many Requests");
          },
        }),
    });

    const { events } = await readStream(await ask(token, conversationId, hotelQuestion));
    expect(calls).toHaveLength(3);
    expect(events.filter((event) => event.chunk.type === "error").map((event) => event.chunk)).toEqual([
      { type: "error", errorText: "The model service is busy right now; please try again in a minute." },
    ]);
    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "errored", reason: expect.stringContaining("busy") });
  });
});
