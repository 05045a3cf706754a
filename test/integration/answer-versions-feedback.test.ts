import { env } from "cloudflare:workers";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { signToken } from "../../worker/auth/token";
import type { FeedbackView, MessageFeedbackView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import { getConversation, messageText, readStream, setUpConversation } from "../support/chat-stream";
import { promptText, recordingModel } from "../support/model-doubles";

function question(id: string, text: string) {
  return { id, role: "user", parts: [{ type: "text", text }] };
}

function sendFeedback(token: string, conversationId: string, messageId: string, body: unknown): Promise<Response> {
  return call(`/api/conversations/${conversationId}/messages/${messageId}/feedback`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    token,
  });
}

async function conversationWithFeedback(token: string, id: string) {
  const response = await call(`/api/conversations/${id}`, { token });
  expect(response.status).toBe(200);
  return response.json<{ feedback: MessageFeedbackView[] }>();
}

async function listFeedback(token: string, query = "") {
  const response = await call(`/api/feedback${query}`, { token });
  expect(response.status).toBe(200);
  return response.json<{ feedback: FeedbackView[]; nextCursor: number | null }>();
}

describe("answer versions", () => {
  it("answers the latest question again and keeps the earlier answers, which later prompts leave out", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const id = `versions-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    await setUpConversation(tenant, id, {
      chatModel: recordingModel(calls),
      capabilities: { writesTitles: false, rewritesQueries: false },
    });
    const first = question("q-first", "Where is the Berlin office?");
    await readStream(await postJson("/api/chat", { id, message: first }, token));

    const regenerated = await postJson("/api/chat", { id, message: first, trigger: "regenerate-message" }, token);
    expect(regenerated.status).toBe(200);
    await readStream(regenerated);
    const { messages } = await getConversation(token, id);
    expect(messages.map((message) => [message.role, messageText(message)])).toEqual([
      ["user", "Where is the Berlin office?"],
      ["assistant", "Answer 1 [1]."],
      ["assistant", "Answer 2 [1]."],
    ]);

    // The next question's prompt holds only the current version of the earlier answer.
    const second = question("q-second", "And the Paris office?");
    await readStream(await postJson("/api/chat", { id, message: second }, token));
    expect(promptText(calls[2]).filter((message) => message.role !== "system")).toEqual([
      { role: "user", text: "Where is the Berlin office?" },
      { role: "assistant", text: "Answer 2." },
      { role: "user", text: "And the Paris office?" },
    ]);

    // Only the latest question can be answered again.
    const older = await postJson("/api/chat", { id, message: first, trigger: "regenerate-message" }, token);
    expect(older.status).toBe(409);
    expect(await older.json()).toEqual({ error: { code: "conflict", message: expect.stringContaining("latest") } });

    // An edit replaces the question and drops every version of its answer.
    const edited = { ...second, parts: [{ type: "text", text: "And the Rome office?" }] };
    await readStream(await postJson("/api/chat", { id, message: edited, trigger: "regenerate-message" }, token));
    await readStream(await postJson("/api/chat", { id, message: edited }, token));
    expect((await getConversation(token, id)).messages.map(messageText)).toEqual([
      "Where is the Berlin office?",
      "Answer 1 [1].",
      "Answer 2 [1].",
      "And the Rome office?",
      "Answer 5 [1].",
    ]);

    const unknownTrigger = await postJson("/api/chat", { id, message: edited, trigger: "continue" }, token);
    expect(unknownTrigger.status).toBe(400);
  });
});

describe("answer feedback", () => {
  it("is stored per user with the answer, read back with the conversation, and listed for admins", async () => {
    const tenant = uniqueTenant();
    const member = await devToken("member", tenant);
    const admin = await devToken("admin", tenant);
    const id = `feedback-${crypto.randomUUID()}`;
    await setUpConversation(tenant, id, {
      chatModel: recordingModel([]),
      capabilities: { writesTitles: false, rewritesQueries: false },
    });
    await readStream(await postJson("/api/chat", { id, message: question("q1", "Where is the office?") }, member));
    await readStream(
      await postJson(
        "/api/chat",
        { id, message: question("q1", "Where is the office?"), trigger: "regenerate-message" },
        member,
      ),
    );
    const [, firstAnswer, secondAnswer] = (await getConversation(member, id)).messages;
    if (!firstAnswer || !secondAnswer) throw new Error("expected two answers");

    const up = await sendFeedback(member, id, firstAnswer.id, { rating: "up" });
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ feedback: { messageId: firstAnswer.id, rating: "up", comment: null } });
    const down = await sendFeedback(member, id, secondAnswer.id, { rating: "down", comment: "  Wrong office.  " });
    expect(down.status).toBe(200);
    // Rated again: the earlier rating is replaced.
    expect((await sendFeedback(member, id, firstAnswer.id, { rating: "down", comment: "Too short" })).status).toBe(200);

    const { feedback } = await conversationWithFeedback(member, id);
    expect(feedback.map(({ messageId, rating, comment }) => ({ messageId, rating, comment }))).toEqual(
      expect.arrayContaining([
        { messageId: firstAnswer.id, rating: "down", comment: "Too short" },
        { messageId: secondAnswer.id, rating: "down", comment: "Wrong office." },
      ]),
    );
    expect(feedback).toHaveLength(2);

    // Admins read it newest first, a page at a time, with who gave it and what was rated.
    const firstPage = await listFeedback(admin, "?limit=1");
    expect(firstPage.feedback).toEqual([
      expect.objectContaining({
        conversationId: id,
        messageId: firstAnswer.id,
        rating: "down",
        comment: "Too short",
        answerExcerpt: "Answer 1 [1].",
        subject: expect.any(String),
      }),
    ]);
    expect(firstPage.nextCursor).not.toBeNull();
    const secondPage = await listFeedback(admin, `?limit=1&before=${firstPage.nextCursor}`);
    expect(secondPage.feedback.map((entry) => entry.messageId)).toEqual([secondAnswer.id]);
    expect((await listFeedback(admin, "?rating=up")).feedback).toEqual([]);
    // Other tenants see none of it.
    expect((await listFeedback(await devToken("admin", uniqueTenant()))).feedback).toEqual([]);
  });

  it("refuses bad ratings, long comments, questions and answers of other users with 4xx JSON errors", async () => {
    const tenant = uniqueTenant();
    const member = await devToken("member", tenant);
    const id = `feedback-bad-${crypto.randomUUID()}`;
    await setUpConversation(tenant, id, {
      chatModel: recordingModel([]),
      capabilities: { writesTitles: false, rewritesQueries: false },
    });
    await readStream(await postJson("/api/chat", { id, message: question("q1", "Where is the office?") }, member));
    const answer = (await getConversation(member, id)).messages[1];
    if (!answer) throw new Error("expected an answer");

    const cases: Array<[string, string, unknown, number]> = [
      [member, answer.id, { rating: "sideways" }, 400],
      [member, answer.id, { rating: "up", comment: "x".repeat(2001) }, 400],
      [member, answer.id, "not an object", 400],
      // A question is not an answer; an unknown id is none.
      [member, "q1", { rating: "up" }, 404],
      [member, "no-such-message", { rating: "up" }, 404],
      // Another member of the tenant cannot rate someone else's answer.
      [
        await signToken({ tenantId: tenant, role: "member", subject: "someone-else" }, env.AUTH_SECRET, 600),
        answer.id,
        { rating: "up" },
        404,
      ],
    ];
    for (const [token, messageId, body, status] of cases) {
      const response = await sendFeedback(token, id, messageId, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(await response.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await sendFeedback(member, id, answer.id, { rating: "up", comment: "x".repeat(2000) })).status).toBe(200);
  });
});
