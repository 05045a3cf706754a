import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { convertArrayToReadableStream, MockLanguageModelV4 } from "ai/test";
import { describe, expect, it, vi } from "vitest";
import type { ConversationSummary } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import { ask, getConversation, messageText, readStream, savedAnswer, setUpConversation } from "../support/chat-stream";
import { hotelQuestion, tenantWithHandbook } from "../support/handbook";
import { tokenUsage } from "../support/model-doubles";

const usage = tokenUsage(1, 1);

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
