/**
 * An answer belongs to its conversation's Durable Object, not to the request that asked for it: clients that go
 * away lose nothing, and any client can pick the answer up again over plain HTTP.
 */
import { describe, expect, it, vi } from "vitest";
import { seededRandom } from "../../scripts/lib/seeded-random";
import { call, devToken } from "../support/api";
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

const runs = 50;
const batchSize = 10;
/**
 * Paces the offline model so that an answer is still being written when the client comes back; never from the
 * answer cache, which would send a repeated question's answer whole.
 */
const pacedVars = { LOCAL_ANSWER_DELAY_MS: "5", ANSWER_CACHE: "off" };
/** A disconnect leaves at least this many text deltas unwritten, so the answer is still active at the resume. */
const deltasLeftAtDisconnect = 10;

async function inBatches<Input, Output>(inputs: Input[], run: (input: Input) => Promise<Output>): Promise<Output[]> {
  const outputs: Output[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    outputs.push(...(await Promise.all(inputs.slice(start, start + batchSize).map(run))));
  }
  return outputs;
}

function expectIncreasingIds(events: readonly StreamEvent[]): void {
  const ids = events.map((event) => event.id ?? Number.NaN);
  for (let index = 1; index < ids.length; index++) expect(ids[index]).toBeGreaterThan(ids[index - 1] ?? Infinity);
}

/** The answer to the hotel question, read to the end without interruption. */
async function referenceAnswer(token: string): Promise<ReadStream> {
  const reference = await readStream(await ask(token, `reference-${crypto.randomUUID()}`, hotelQuestion));
  expect(reference.done).toBe(true);
  expect(streamedText(reference.events)).toContain("180 euros");
  return reference;
}

describe("an answer that outlives its client", () => {
  it("is saved complete after 50 disconnects at random points, and a resume replays it byte for byte", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const reference = await referenceAnswer(token);
    const referenceText = streamedText(reference.events);
    const deltaPositions = reference.events.flatMap((event, index) =>
      event.chunk.type === "text-delta" ? [index] : [],
    );
    const latestDisconnect = deltaPositions.at(-deltasLeftAtDisconnect) ?? 1;
    const random = seededRandom(20_240_601);
    const plans = Array.from({ length: runs }, (_, run) => ({
      conversationId: `disconnect-${run}-${crypto.randomUUID().slice(0, 8)}`,
      // 1: only the start chunk was read; the latest point still leaves text to come.
      eventsRead: 1 + Math.floor(random() * latestDisconnect),
    }));

    const results = await inBatches(plans, async ({ conversationId, eventsRead }) => {
      await setUpConversation(tenant, conversationId, { vars: pacedVars });
      const client = new StreamReader(await ask(token, conversationId, hotelQuestion));
      const seen = await client.take(eventsRead);
      await client.disconnect();

      const resumed = await resume(token, conversationId);
      expect(resumed.status).toBe(200);
      const replay = await readStream(resumed);
      return { seen, replay, saved: await savedAnswer(token, conversationId) };
    });

    const complete = results.filter(({ saved }) => saved.metadata?.status === "complete");
    expect(complete).toHaveLength(runs);
    const identical = results.filter(({ replay, saved }) => streamedText(replay.events) === messageText(saved));
    expect(identical).toHaveLength(runs);
    for (const { seen, replay, saved } of results) {
      expect(messageText(saved)).toBe(referenceText);
      expect(replay.done).toBe(true);
      // The replay starts at the beginning: what the client saw before it left is its exact prefix.
      expect(replay.events.slice(0, seen.length)).toEqual(seen);
      expectIncreasingIds(replay.events);
      expect(replay.events[0]?.chunk).toEqual({ type: "start", messageId: saved.id });
    }
  }, 60_000);

  it("is saved complete when the client leaves at any point of an unpaced answer, 50 times out of 50", async () => {
    const { token } = await tenantWithHandbook();
    const reference = await referenceAnswer(token);
    const random = seededRandom(7);
    const plans = Array.from({ length: runs }, (_, run) => ({
      conversationId: `leave-${run}-${crypto.randomUUID().slice(0, 8)}`,
      // 0: the client leaves before reading anything; the last value: after the last event.
      eventsRead: Math.floor(random() * (reference.events.length + 1)),
    }));

    const saved = await inBatches(plans, async ({ conversationId, eventsRead }) => {
      const client = new StreamReader(await ask(token, conversationId, hotelQuestion));
      await client.take(eventsRead);
      await client.disconnect();
      return vi.waitUntil(
        async () => {
          const conversation = await getConversation(token, conversationId);
          return !conversation.answering && conversation.messages.at(-1)?.role === "assistant"
            ? conversation.messages.at(-1)
            : false;
        },
        { timeout: 10_000, interval: 10 },
      );
    });

    expect(saved.filter((message) => message.metadata?.status === "complete")).toHaveLength(runs);
    for (const message of saved) expect(messageText(message)).toBe(streamedText(reference.events));
  }, 60_000);

  it("continues after Last-Event-ID without repeating an event, even after the answer has ended", async () => {
    const { tenant, token } = await tenantWithHandbook();
    const conversationId = `last-event-${crypto.randomUUID()}`;
    await setUpConversation(tenant, conversationId, { vars: pacedVars });
    const client = new StreamReader(await ask(token, conversationId, hotelQuestion));
    const seen = await client.take(8);
    await client.disconnect();
    const lastSeen = seen.at(-1)?.id ?? 0;

    const continued = await readStream(await resume(token, conversationId, lastSeen));
    expect(continued.done).toBe(true);
    expect(continued.events[0]?.id).toBe(lastSeen + 1);
    const everything = [...seen, ...continued.events];
    expectIncreasingIds(everything);
    const saved = await savedAnswer(token, conversationId);
    expect(streamedText(everything)).toBe(messageText(saved));

    // The answer is over: an EventSource that reconnects still gets the rest, without duplicates.
    const fourth = seen[3]?.id ?? 0;
    const late = await readStream(await resume(token, conversationId, fourth));
    expect(late.events).toEqual(everything.slice(4));
    expect(late.done).toBe(true);
    // Nothing is left after the last event, and without an id there is no active answer to replay.
    expect((await resume(token, conversationId, everything.at(-1)?.id ?? 0)).status).toBe(204);
    expect((await resume(token, conversationId)).status).toBe(204);
  });

  it("answers 204 for a conversation with nothing to resume and 400 for an id it never sent", async () => {
    const { token } = await tenantWithHandbook();
    const conversationId = `idle-${crypto.randomUUID()}`;
    expect((await resume(token, conversationId)).status).toBe(204);
    await readStream(await ask(token, conversationId, hotelQuestion));
    expect((await resume(token, conversationId)).status).toBe(204);

    const stranger = await devToken("member", `t-${crypto.randomUUID().slice(0, 12)}`);
    expect((await resume(stranger, conversationId, 0)).status).toBe(204);
    const invalid = await call(`/api/chat/${conversationId}/stream`, { token, headers: { "Last-Event-ID": "abc" } });
    expect(invalid.status).toBe(400);
  });
});
