/**
 * An answer cut off by a restart of its Durable Object (a deploy, a crash, an eviction) is continued by the next
 * instance, which starts with nothing in memory: readers that come back get one complete answer, with nothing
 * repeated and nothing missing, and the saved message is the whole answer. Only when it cannot go on is it saved as
 * errored, with the text sent so far and a reason a person can read.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { APICallError, type LanguageModelV4CallOptions, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { interruptedReason } from "../../worker/conversation/conversation-do";
import { continueInstruction } from "../../worker/rag/continued-text";
import { devToken, uniqueTenant } from "../support/api";
import {
  ask,
  getConversation,
  messageText,
  type ReadStream,
  readStream,
  resume,
  type StreamEvent,
  StreamReader,
  savedAnswer,
  setUpConversation,
  streamedText,
} from "../support/chat-stream";
import { hotelQuestion, tenantWithHandbook } from "../support/handbook";
import { promptText, tokenUsage } from "../support/model-doubles";

/**
 * Slow enough that the answer is still being written when its object is restarted; written live, never taken whole
 * from the answer cache (the reference answer to the same question is cached).
 */
const pacedVars = { LOCAL_ANSWER_DELAY_MS: "30", ANSWER_CACHE: "off" };

/** Reads the client's stream until it has seen some text, then leaves; the answer is still being written. */
async function readSomeTextThenLeave(client: StreamReader, characters = 1): Promise<StreamEvent[]> {
  const seen: StreamEvent[] = [];
  while (streamedText(seen).length < characters) {
    const event = await client.next();
    if (!event) throw new Error("the answer ended before the restart");
    seen.push(event);
  }
  await client.disconnect();
  return seen;
}

function expectIncreasingIds(events: readonly StreamEvent[]): void {
  const ids = events.map((event) => event.id ?? Number.NaN);
  for (let index = 1; index < ids.length; index++) expect(ids[index]).toBeGreaterThan(ids[index - 1] ?? Infinity);
}

function countOf(events: readonly StreamEvent[], type: string): number {
  return events.filter((event) => event.chunk.type === type).length;
}

/** The stream as a reader that comes back after the restart sees it whole: one answer, opened and closed once. */
function expectOneAnswer(replay: ReadStream, text: string): void {
  expect(replay.done).toBe(true);
  expect(streamedText(replay.events)).toBe(text);
  expectIncreasingIds(replay.events);
  for (const type of ["start", "data-sources", "text-start", "text-end", "finish"]) {
    expect(countOf(replay.events, type), type).toBe(1);
  }
  expect(countOf(replay.events, "error")).toBe(0);
}

describe("an answer of the offline model cut off by a restart", () => {
  it("is written again after what was sent, so every reader gets the uninterrupted answer exactly", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const reference = await readStream(await ask(token, `reference-${crypto.randomUUID()}`, hotelQuestion));
    const referenceText = streamedText(reference.events);
    expect(referenceText).toContain("180 euros");

    const conversationId = `restart-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: pacedVars });
    const seen = await readSomeTextThenLeave(new StreamReader(await ask(token, conversationId, hotelQuestion)));
    expect(streamedText(seen).length).toBeLessThan(referenceText.length);

    // Like a deploy or a crash: the instance and everything in its memory is gone, its storage stays.
    await abortAllDurableObjects();

    // An EventSource that reconnects with the id of the last event it saw gets exactly the rest.
    const rest = await readStream(await resume(token, conversationId, seen.at(-1)?.id ?? 0));
    expect(rest.done).toBe(true);
    expectIncreasingIds([...seen, ...rest.events]);
    expect(streamedText(seen) + streamedText(rest.events)).toBe(referenceText);

    // A reader without an id gets the whole answer, once; the saved message is the same answer, complete.
    expectOneAnswer(await readStream(await resume(token, conversationId, 0)), referenceText);
    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "complete" });
    expect(messageText(saved)).toBe(referenceText);
    const { messages, answering } = await getConversation(token, conversationId);
    expect(answering).toBe(false);
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);

    // The conversation goes on.
    expect((await readStream(await ask(token, conversationId, "What do new starters receive?"))).done).toBe(true);
  });

  it("survives a second restart during its continuation, and a reader resuming from the start mid-way", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const reference = streamedText(
      (await readStream(await ask(token, `ref-${crypto.randomUUID()}`, hotelQuestion))).events,
    );
    const conversationId = `twice-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: pacedVars });
    await readSomeTextThenLeave(new StreamReader(await ask(token, conversationId, hotelQuestion)));
    await abortAllDurableObjects();

    // A reader follows the continuation from the start, past the text sent before the first restart, and leaves.
    const follower = new StreamReader(await resume(token, conversationId));
    const followed: StreamEvent[] = [];
    while (countOf(followed, "text-delta") < 8) {
      const event = await follower.next();
      if (!event) throw new Error("the answer ended before the second restart");
      followed.push(event);
    }
    await follower.disconnect();
    await abortAllDurableObjects();

    const rest = await readStream(await resume(token, conversationId, followed.at(-1)?.id ?? 0));
    expect(streamedText(followed) + streamedText(rest.events)).toBe(reference);
    expectOneAnswer(await readStream(await resume(token, conversationId, 0)), reference);
    expect(messageText(await savedAnswer(token, conversationId))).toBe(reference);
  });
});

const partialText = "Hotel nights are reimbursed ";
const continuation = "up to 180 euros a night in capital cities [1].";

/** A generative model's first call: some text, then nothing more, as if the object died while it streamed. */
function cutOffStream(): ReadableStream<LanguageModelV4StreamPart> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({ type: "text-start", id: "t1" });
      controller.enqueue({ type: "text-delta", id: "t1", delta: "Hotel nights " });
      controller.enqueue({ type: "text-delta", id: "t1", delta: "are reimbursed " });
      // Never closed: the restart ends it.
    },
  });
}

function finishedStream(deltas: string[]): ReadableStream<LanguageModelV4StreamPart> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: [] });
      controller.enqueue({ type: "text-start", id: "t2" });
      for (const delta of deltas) controller.enqueue({ type: "text-delta", id: "t2", delta });
      controller.enqueue({ type: "text-end", id: "t2" });
      controller.enqueue({
        type: "finish",
        usage: tokenUsage(200, 12),
        finishReason: { unified: "stop", raw: "stop" },
      });
      controller.close();
    },
  });
}

/** A generative test model whose first answer is cut off; `next` writes what each later call streams. */
function generativeModel(calls: LanguageModelV4CallOptions[], next: () => ReadableStream<LanguageModelV4StreamPart>) {
  return () =>
    new MockLanguageModelV4({
      doStream: async (options) => {
        calls.push(options);
        return { stream: calls.length === 1 ? cutOffStream() : next() };
      },
    });
}

/** Asks, reads until the cut-off text has arrived, and restarts the object. */
async function askAndRestart(token: string, conversationId: string): Promise<StreamEvent[]> {
  const seen = await readSomeTextThenLeave(
    new StreamReader(await ask(token, conversationId, hotelQuestion)),
    partialText.length,
  );
  expect(streamedText(seen)).toBe(partialText);
  await abortAllDurableObjects();
  return seen;
}

async function memberOfNewTenant() {
  const tenant = uniqueTenant();
  return { tenant, token: await devToken("member", tenant) };
}

describe("an answer of a generative model cut off by a restart", () => {
  it("is continued by the model from its partial text, and readers get one answer", async () => {
    const { tenant, token } = await memberOfNewTenant();
    const conversationId = `continued-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    await setUpConversation(tenant, conversationId, {
      chatModel: generativeModel(calls, () => finishedStream(["up to 180 euros ", "a night in capital cities [1]."])),
    });
    const seen = await askAndRestart(token, conversationId);

    const rest = await readStream(await resume(token, conversationId, seen.at(-1)?.id ?? 0));
    expect(streamedText(seen) + streamedText(rest.events)).toBe(partialText + continuation);
    expectOneAnswer(await readStream(await resume(token, conversationId, 0)), partialText + continuation);

    // The model was given its own partial answer and asked to go on from there.
    expect(calls).toHaveLength(2);
    expect(promptText(calls[1]).slice(-3)).toEqual([
      { role: "user", text: hotelQuestion },
      { role: "assistant", text: partialText },
      { role: "user", text: continueInstruction },
    ]);
    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "complete", model: "mock" });
    expect(messageText(saved)).toBe(partialText + continuation);
  });

  it("drops the repetition when the model starts over instead of continuing", async () => {
    const { tenant, token } = await memberOfNewTenant();
    const conversationId = `restarted-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    await setUpConversation(tenant, conversationId, {
      // Starts the answer again from its first word, split differently from the first time.
      chatModel: generativeModel(calls, () =>
        finishedStream(["Hotel", " nights are re", "imbursed up to 180 euros ", "a night in capital cities [1]."]),
      ),
    });
    await askAndRestart(token, conversationId);

    expectOneAnswer(await readStream(await resume(token, conversationId, 0)), partialText + continuation);
    expect(messageText(await savedAnswer(token, conversationId))).toBe(partialText + continuation);
  });

  it("is saved as errored with all the text sent when the model fails while continuing", async () => {
    const { tenant, token } = await memberOfNewTenant();
    const conversationId = `failed-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    const failure = new APICallError({
      message: "Bad gateway from llm.internal.example:8443",
      url: "https://llm.internal.example:8443/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 502,
      responseHeaders: { "retry-after-ms": "0" },
    });
    await setUpConversation(tenant, conversationId, {
      chatModel: generativeModel(
        calls,
        () =>
          new ReadableStream({
            start(controller) {
              controller.enqueue({ type: "text-start", id: "t2" });
              controller.enqueue({ type: "text-delta", id: "t2", delta: "up to 180" });
              controller.enqueue({ type: "error", error: failure });
              controller.close();
            },
          }),
      ),
    });
    await askAndRestart(token, conversationId);

    const replay = await readStream(await resume(token, conversationId, 0));
    expect(replay.done).toBe(true);
    expect(streamedText(replay.events)).toBe(`${partialText}up to 180`);
    const reason = "The model service failed to answer; please try again.";
    expect(replay.events.filter((event) => event.chunk.type === "error").map((event) => event.chunk)).toEqual([
      { type: "error", errorText: reason },
    ]);
    expect(JSON.stringify(replay.events)).not.toContain("llm.internal");
    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "errored", reason });
    expect(messageText(saved)).toBe(`${partialText}up to 180`);
  });

  it("is saved as errored, never as two answers, when a model that cannot continue writes something else", async () => {
    const { tenant, token } = await memberOfNewTenant();
    const conversationId = `diverged-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    await setUpConversation(tenant, conversationId, {
      // Written again from the start, as for the offline model, but not the same answer as the first time.
      chatModel: generativeModel(calls, () => finishedStream(["Hotel rooms cost ", "up to 180 euros [1]."])),
      capabilities: { continuesAnswers: false },
    });
    await askAndRestart(token, conversationId);

    const replay = await readStream(await resume(token, conversationId, 0));
    expect(replay.done).toBe(true);
    expect(streamedText(replay.events)).toBe(partialText);
    expect(replay.events.at(-1)?.chunk).toEqual({ type: "error", errorText: interruptedReason });
    // It was asked to write the answer again, not to continue it.
    expect(promptText(calls[1]).at(-1)).toEqual({ role: "user", text: hotelQuestion });
    const saved = await savedAnswer(token, conversationId);
    expect(saved.metadata).toMatchObject({ status: "errored", reason: interruptedReason });
    expect(messageText(saved)).toBe(partialText);
  });

  it("is given up as errored, with the text sent, when every continuation is cut off too", async () => {
    const { tenant, token } = await memberOfNewTenant();
    const conversationId = `looping-${crypto.randomUUID()}`;
    const calls: LanguageModelV4CallOptions[] = [];
    // Each continuation hangs until the next restart, as if the answer itself brought the object down.
    await setUpConversation(tenant, conversationId, { chatModel: generativeModel(calls, () => new ReadableStream()) });
    await askAndRestart(token, conversationId);
    for (let restart = 1; restart <= 3; restart++) {
      expect((await getConversation(token, conversationId)).answering).toBe(true);
      await abortAllDurableObjects();
    }

    const { answering, messages } = await getConversation(token, conversationId);
    expect(answering).toBe(false);
    expect(calls).toHaveLength(4);
    const saved = messages.at(-1);
    expect(saved?.metadata).toMatchObject({ status: "errored", reason: interruptedReason });
    expect(messageText(saved)).toBe(partialText);
    const replay = await readStream(await resume(token, conversationId, 0));
    expect(streamedText(replay.events)).toBe(partialText);
    expect(replay.events.at(-1)?.chunk).toEqual({ type: "error", errorText: interruptedReason });
  });
});
