import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { describe, expect, it, vi } from "vitest";
import type { ChatMessage, ConversationSummary } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import { ask, getConversation, messageText, readStream, savedAnswer, setUpConversation } from "../support/chat-stream";
import { hotelQuestion, tenantWithHandbook } from "../support/handbook";
import { promptText, recordingModel, tokenUsage } from "../support/model-doubles";

const usage = tokenUsage(1, 1);

interface ConversationPage {
  messages: ChatMessage[];
  olderCursor: string | null;
}

async function page(token: string, id: string, query: string): Promise<ConversationPage> {
  const response = await call(`/api/conversations/${id}${query}`, { token });
  expect(response.status).toBe(200);
  return response.json<ConversationPage>();
}

async function list(token: string): Promise<ConversationSummary[]> {
  const response = await call("/api/conversations", { token });
  expect(response.status).toBe(200);
  return (await response.json<{ conversations: ConversationSummary[] }>()).conversations;
}

function rename(token: string, id: string, title: string): Promise<Response> {
  return call(`/api/conversations/${id}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ title }),
    token,
  });
}

function remove(token: string, id: string): Promise<Response> {
  return call(`/api/conversations/${id}`, { method: "DELETE", token });
}

/** A chat model that writes `text` in one delta, and names conversations `title`. */
function generativeModel(text: string, title = "Hotel reimbursement limits") {
  return () =>
    new MockLanguageModelV4({
      doStream: async () => ({
        stream: convertArrayToReadableStream([
          { type: "text-start", id: "t" },
          { type: "text-delta", id: "t", delta: text },
          { type: "text-end", id: "t" },
          { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
        ]),
      }),
      doGenerate: async () => ({
        content: [{ type: "text", text: `"${title}"` }],
        finishReason: { unified: "stop", raw: "stop" },
        usage,
        warnings: [],
      }),
    });
}

describe("conversations", () => {
  it("are listed, renamed and deleted by their owner, with the D1 index in step", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const first = `list-a-${crypto.randomUUID()}`;
    const second = `list-b-${crypto.randomUUID()}`;
    await readStream(await ask(token, first, hotelQuestion));
    await readStream(await ask(token, first, "What do new starters receive on their first day?"));
    await readStream(await ask(token, second, "How soon must lost equipment be reported to the service desk?"));

    const listed = await vi.waitUntil(async () => {
      const conversations = await list(token);
      return conversations.find((conversation) => conversation.id === first)?.messageCount === 4 && conversations;
    });
    // Most recently active first; the title comes from the first question.
    expect(listed.map((conversation) => conversation.id)).toEqual([second, first]);
    expect(listed[1]).toMatchObject({ title: hotelQuestion, messageCount: 4 });
    // Long questions are cut at a word boundary.
    expect(listed[0]?.title).toBe("How soon must lost equipment be reported to the service…");
    expect((await getConversation(token, first)).title).toBe(hotelQuestion);

    const renamed = await rename(token, first, "  Hotel limits  ");
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ conversation: { id: first, title: "Hotel limits", messageCount: 4 } });
    expect((await list(token)).find((conversation) => conversation.id === first)?.title).toBe("Hotel limits");
    expect((await getConversation(token, first)).title).toBe("Hotel limits");
    expect((await rename(token, first, "   ")).status).toBe(400);

    expect((await remove(token, first)).status).toBe(204);
    expect((await call(`/api/conversations/${first}`, { token })).status).toBe(404);
    expect((await list(token)).map((conversation) => conversation.id)).toEqual([second]);
    const stub = env.CONVERSATIONS.getByName(`${tenant}/${first}`);
    const rows = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec<{ count: number }>("SELECT count(*) AS count FROM messages").one(),
    );
    expect(rows.count).toBe(0);

    // The id can be used again: it is a new, empty conversation.
    await readStream(await ask(token, first, "What do new starters receive on their first day?"));
    expect((await getConversation(token, first)).messages).toHaveLength(2);
  });

  it("are only ever shown to their owner", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const id = `owned-${crypto.randomUUID()}`;
    await readStream(await ask(token, id, hotelQuestion));
    await vi.waitUntil(async () => (await list(token)).length === 1);

    const colleague = await devToken("member", tenant);
    const stranger = await devToken("admin", uniqueTenant());
    for (const other of [colleague, stranger]) {
      expect(await list(other)).toEqual([]);
      expect((await call(`/api/conversations/${id}`, { token: other })).status).toBe(404);
      expect((await rename(other, id, "Mine now")).status).toBe(404);
      expect((await remove(other, id)).status).toBe(404);
    }
    expect((await getConversation(token, id)).messages).toHaveLength(2);
    expect((await list(token))[0]?.title).toBe(hotelQuestion);
  });

  it("get a title from a generative model, unless the owner named it first", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const named = `named-${crypto.randomUUID()}`;
    await setUpConversation(tenant, named, { chatModel: generativeModel("Up to 180 euros [1].") });
    await readStream(await ask(token, named, hotelQuestion));
    await vi.waitUntil(async () => (await getConversation(token, named)).title === "Hotel reimbursement limits");
    await vi.waitUntil(async () => (await list(token))[0]?.title === "Hotel reimbursement limits");

    const own = `own-${crypto.randomUUID()}`;
    await setUpConversation(tenant, own, { chatModel: generativeModel("Up to 180 euros [1].") });
    const answer = await ask(token, own, hotelQuestion);
    expect((await rename(token, own, "My hotel question")).status).toBe(200);
    await readStream(answer);
    expect((await getConversation(token, own)).title).toBe("My hotel question");
  });

  it("keep every stored row far below SQLite's 2 MB limit, even for a 3 MB answer", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const id = `long-${crypto.randomUUID()}`;
    const longAnswer = `${"A very long answer. ".repeat(150_000)}The end.`;
    await setUpConversation(tenant, id, { chatModel: generativeModel(longAnswer) });

    const streamed = await readStream(await ask(token, id, hotelQuestion));
    expect(streamed.done).toBe(true);
    expect(messageText(await savedAnswer(token, id))).toBe(longAnswer);

    const stub = env.CONVERSATIONS.getByName(`${tenant}/${id}`);
    const longestRow = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ bytes: number }>(
          `SELECT max(bytes) AS bytes FROM (
             SELECT length(CAST(body AS BLOB)) AS bytes FROM messages
             UNION ALL SELECT length(CAST(body AS BLOB)) FROM message_pieces
             UNION ALL SELECT length(CAST(body AS BLOB)) FROM stream_events)`,
        )
        .one(),
    );
    expect(longestRow.bytes).toBeLessThan(1024 * 1024);
  });

  it("are read a page at a time, newest first, with a cursor for the older messages", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const id = `paged-${crypto.randomUUID()}`;
    await setUpConversation(tenant, id, { chatModel: generativeModel("Noted [1].") });
    for (let turn = 1; turn <= 5; turn++) await readStream(await ask(token, id, `Question ${turn}`));

    const whole = await page(token, id, "");
    expect(whole.messages.map(messageText)).toEqual(
      [1, 2, 3, 4, 5].flatMap((turn) => [`Question ${turn}`, "Noted [1]."]),
    );
    expect(whole.olderCursor).toBeNull();

    const pages: string[][] = [];
    let query = "?limit=4";
    for (;;) {
      const next = await page(token, id, query);
      pages.push(next.messages.map(messageText).filter((text) => text.startsWith("Question")));
      if (next.olderCursor === null) break;
      query = `?limit=4&before=${next.olderCursor}`;
    }
    expect(pages).toEqual([["Question 4", "Question 5"], ["Question 2", "Question 3"], ["Question 1"]]);

    for (const bad of ["?limit=0", "?limit=201", "?before=abc", "?before=-1"]) {
      const response = await call(`/api/conversations/${id}${bad}`, { token });
      expect(response.status, bad).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });

  it("send a long conversation in pages of about 2 MB, however long its answers", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const id = `heavy-${crypto.randomUUID()}`;
    const longAnswer = "x".repeat(900_000);
    await setUpConversation(tenant, id, { chatModel: generativeModel(longAnswer) });
    for (let turn = 1; turn <= 3; turn++) await readStream(await ask(token, id, `Question ${turn}`));

    const response = await call(`/api/conversations/${id}`, { token });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.length).toBeLessThan(2_100_000);
    const newest = JSON.parse(text);
    expect(newest.messages.map(messageText)).toEqual(["Question 2", longAnswer, "Question 3", longAnswer]);
    const oldest = await page(token, id, `?before=${newest.olderCursor}`);
    expect(oldest.messages.map(messageText)).toEqual(["Question 1", longAnswer]);
    expect(oldest.olderCursor).toBeNull();
  });

  it("treat a question sent again under its id as an edit: it replaces the question and what followed", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const id = `edit-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    // Without model titles, the title is the first question's, and follows its edit.
    await setUpConversation(tenant, id, { chatModel: recordingModel(calls), capabilities: { writesTitles: false } });
    const first = { id: "q-first", role: "user", parts: [{ type: "text", text: "Where is the Berlin office?" }] };
    const second = { id: "q-second", role: "user", parts: [{ type: "text", text: "And the Paris office?" }] };
    for (const message of [first, second]) {
      expect((await readStream(await postJson("/api/chat", { id, message }, token))).done).toBe(true);
    }

    const edited = { ...first, parts: [{ type: "text", text: "Where is the Munich office?" }] };
    const response = await postJson("/api/chat", { id, message: edited }, token);
    expect(response.status).toBe(200);
    await readStream(response);
    const { messages } = await getConversation(token, id);
    expect(messages.map((message) => [message.role, messageText(message)])).toEqual([
      ["user", "Where is the Munich office?"],
      ["assistant", "Answer 3 [1]."],
    ]);
    // The model was asked the new question, with nothing of the dropped turns in its history.
    expect(promptText(calls[2]).filter((message) => message.role !== "system")).toEqual([
      { role: "user", text: "Where is the Munich office?" },
    ]);
    await vi.waitUntil(
      async () => (await list(token)).find((conversation) => conversation.id === id)?.messageCount === 2,
    );
    expect((await getConversation(token, id)).title).toBe("Where is the Munich office?");

    // Sent again unchanged, it is a retry: one answer replaces the other.
    await readStream(await postJson("/api/chat", { id, message: edited }, token));
    expect((await getConversation(token, id)).messages.map(messageText)).toEqual([
      "Where is the Munich office?",
      "Answer 4 [1].",
    ]);

    // The id of an answer cannot become a question.
    const answerId = (await savedAnswer(token, id)).id;
    const taken = await postJson("/api/chat", { id, message: { ...edited, id: answerId } }, token);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toEqual({
      error: { code: "conflict", message: expect.stringContaining(`"${answerId}"`) },
    });
    expect((await getConversation(token, id)).messages).toHaveLength(2);
  });

  it("rejects a conversation id outside the allowed alphabet", async () => {
    const token = await devToken("member", uniqueTenant());
    const response = await postJson(
      "/api/chat",
      { id: "../etc", message: { id: "m1", role: "user", parts: [{ type: "text", text: "Hi" }] } },
      token,
    );
    expect(response.status).toBe(400);
  });
});
