/**
 * One user firing 500 questions at once, half into one conversation and half into conversations of their own: each
 * gets an answer (200), "busy" for a conversation that is already answering (409), or "too many" (429, with
 * `Retry-After`), always with the JSON error body; never a 5xx. Every answer that was accepted is complete.
 */
import { describe, expect, it } from "vitest";
import type { ApiErrorBody, ChatMessage } from "../../worker/contract";
import { devToken, uniqueTenant } from "../support/api";
import { ask, getConversation, readStream } from "../support/chat-stream";

const questions = 500;
// The rate-limit binding of wrangler.toml: 120 questions a minute per user.
const questionsPerMinute = 120;

function roles(messages: readonly ChatMessage[]): string {
  return messages.map((message) => (message.role === "user" ? "Q" : "A")).join("");
}

describe("a burst of questions from one user", () => {
  it("is answered with 200, 409 or 429 and a readable error, never a 5xx", async () => {
    const token = await devToken("member", uniqueTenant());
    const shared = `shared-${crypto.randomUUID()}`;
    const targets = Array.from({ length: questions }, (_, index) =>
      index % 2 === 0 ? shared : `own-${index}-${crypto.randomUUID().slice(0, 8)}`,
    );
    const responses = await Promise.all(targets.map((id) => ask(token, id, "Where is the Berlin office?")));

    const statuses = new Map<number, number>();
    const answered = new Set<string>();
    for (const [index, response] of responses.entries()) {
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 200) {
        expect((await readStream(response)).done).toBe(true);
        answered.add(targets[index] ?? "");
        continue;
      }
      const body = await response.json<ApiErrorBody>();
      if (response.status === 429) {
        expect(body.error).toEqual({ code: "rate_limited", message: expect.stringMatching(/try again/) });
        expect(response.headers.get("Retry-After")).toBe("60");
      } else {
        expect(response.status).toBe(409);
        expect(body.error).toEqual({ code: "conflict", message: expect.stringContaining("already being written") });
      }
    }
    expect([...statuses.keys()].every((status) => [200, 409, 429].includes(status))).toBe(true);
    expect(statuses.get(429)).toBeGreaterThan(0);
    // The limiter lets a minute's worth through; a burst that straddles two windows may get a second minute's.
    const admitted = (statuses.get(200) ?? 0) + (statuses.get(409) ?? 0);
    expect(admitted).toBeGreaterThanOrEqual(questionsPerMinute);
    expect(admitted).toBeLessThanOrEqual(2 * questionsPerMinute);

    // Each accepted question was answered once and in turn: no answer without its question, none lost.
    for (const id of answered) {
      const { answering, messages } = await getConversation(token, id);
      expect(answering).toBe(false);
      expect(roles(messages)).toMatch(/^(QA)+$/);
      for (const message of messages)
        if (message.role === "assistant") expect(message.metadata?.status).toBe("complete");
    }
  }, 120_000);
});
