import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { interruptedReason } from "../../worker/conversation/conversation-do";
import { devToken, uniqueTenant } from "../support/api";
import {
  ask,
  getConversation,
  messageText,
  readStream,
  resume,
  StreamReader,
  setUpConversation,
  streamedText,
} from "../support/chat-stream";

describe("an answer cut off by a restart of its Durable Object", () => {
  it("is saved as errored with the text streamed so far, and the conversation goes on", async () => {
    const tenant = uniqueTenant();
    const token = await devToken("member", tenant);
    const conversationId = `restart-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: { LOCAL_ANSWER_DELAY_MS: "50" } });
    const client = new StreamReader(await ask(token, conversationId, "Where is the Berlin office?"));
    const seen = [];
    while (streamedText(seen).length === 0) {
      const event = await client.next();
      if (!event) throw new Error("the answer ended before the restart");
      seen.push(event);
    }
    await client.disconnect();

    // Like a deploy or a crash: the instance and everything in its memory is gone, its storage stays.
    await abortAllDurableObjects();

    const { answering, messages } = await getConversation(token, conversationId);
    expect(answering).toBe(false);
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    const answer = messages[1];
    expect(answer?.metadata).toMatchObject({ status: "errored", reason: interruptedReason });
    expect(messageText(answer)).toContain(streamedText(seen));

    expect((await resume(token, conversationId)).status).toBe(204);
    const next = await readStream(await ask(token, conversationId, "Where is the Berlin office?"));
    expect(next.done).toBe(true);
  });
});
