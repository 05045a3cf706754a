import { describe, expect, it } from "vitest";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import {
  ask,
  messageText,
  readStream,
  StreamReader,
  savedAnswer,
  setUpConversation,
  streamedText,
} from "../support/chat-stream";
import { hotelQuestion, tenantWithHandbook } from "../support/handbook";

/** Slow enough that the answer is certainly still being written when the test acts on it; never from the cache. */
const slowVars = { LOCAL_ANSWER_DELAY_MS: "50", ANSWER_CACHE: "off" };

function stop(token: string, conversationId: string): Promise<Response> {
  return call(`/api/chat/${conversationId}/stop`, { method: "POST", token });
}

describe("controlling an answer", () => {
  it("stops the answer on the server and saves the partial text as stopped", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const conversationId = `stop-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: slowVars });
    const client = new StreamReader(await ask(token, conversationId, hotelQuestion));
    const seen = [];
    while (streamedText(seen).length === 0) {
      const event = await client.next();
      if (!event) throw new Error("the answer ended before it was stopped");
      seen.push(event);
    }

    const stopped = await stop(token, conversationId);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({ stopped: true });

    const rest = await client.rest();
    const events = [...seen, ...rest.events];
    expect(rest.done).toBe(true);
    expect(events.some((event) => event.chunk.type === "abort")).toBe(true);
    expect(events.at(-1)?.chunk).toMatchObject({ type: "finish", messageMetadata: { status: "stopped" } });

    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "stopped", reason: expect.stringMatching(/stopped/i) });
    expect(messageText(saved)).toBe(streamedText(events));
    expect(messageText(saved)).not.toContain("180 euros");

    // Nothing is running now; the conversation takes the next question.
    expect(await (await stop(token, conversationId)).json()).toEqual({ stopped: false });
    const next = await ask(token, conversationId, hotelQuestion);
    expect(next.status).toBe(200);
    await stop(token, conversationId);
    expect((await readStream(next)).done).toBe(true);
  });

  it("refuses a second question while an answer is being written, with 409", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const conversationId = `busy-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: slowVars });
    const first = new StreamReader(await ask(token, conversationId, hotelQuestion));
    await first.take(1);

    const second = await ask(token, conversationId, "And elsewhere?");
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({
      error: { code: "conflict", message: expect.stringContaining("already being written") },
    });

    expect(await (await stop(token, conversationId)).json()).toEqual({ stopped: true });
    await first.rest();
    expect((await ask(token, conversationId, "And elsewhere?")).status).toBe(200);
  });

  it("lets nobody else stop or join a conversation", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const conversationId = `private-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: slowVars });
    const owner = new StreamReader(await ask(token, conversationId, hotelQuestion));
    await owner.take(1);

    const colleague = await devToken("member", tenant);
    expect((await stop(colleague, conversationId)).status).toBe(404);
    const intruder = await postJson(
      "/api/chat",
      { id: conversationId, message: { id: "m-intruder", role: "user", parts: [{ type: "text", text: "Hi" }] } },
      colleague,
    );
    expect(intruder.status).toBe(404);
    expect((await stop(await devToken("admin", uniqueTenant()), conversationId)).status).toBe(404);

    await stop(token, conversationId);
    await owner.rest();
  });
});
