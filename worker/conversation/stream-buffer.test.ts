import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { StreamBuffer } from "./stream-buffer";

/** Runs `test` with a stream buffer in a fresh Durable Object's SQLite storage. */
function withBuffer<Result>(test: (buffer: StreamBuffer, sql: SqlStorage) => Promise<Result>): Promise<Result> {
  const stub = env.CONVERSATIONS.getByName(`stream-buffer-test/${crypto.randomUUID()}`);
  return runInDurableObject(stub, (_instance, state) => test(new StreamBuffer(state.storage.sql), state.storage.sql));
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("StreamBuffer", () => {
  it("replays every event with its id, then ends with [DONE] once the answer is over", async () => {
    const text = await withBuffer(async (buffer) => {
      buffer.append({ type: "start", messageId: "m1" });
      buffer.append({ type: "text-delta", id: "t", delta: "Hello" });
      return readText(buffer.subscribe({ afterId: 0, isLive: () => false }));
    });
    expect(text).toBe(
      'id: 1\ndata: {"type":"start","messageId":"m1"}\n\n' +
        'id: 2\ndata: {"type":"text-delta","id":"t","delta":"Hello"}\n\n' +
        "data: [DONE]\n\n",
    );
  });

  it("continues after a given event, and follows events appended while it waits", async () => {
    const text = await withBuffer(async (buffer) => {
      let live = true;
      buffer.append({ type: "start" });
      buffer.append({ type: "text-delta", id: "t", delta: "one " });
      const reader = buffer.subscribe({ afterId: 1, isLive: () => live }).getReader();
      const decoder = new TextDecoder();
      let received = decoder.decode((await reader.read()).value);
      const pending = reader.read();
      buffer.append({ type: "text-delta", id: "t", delta: "two" });
      received += decoder.decode((await pending).value);
      live = false;
      buffer.wake();
      for (let result = await reader.read(); !result.done; result = await reader.read()) {
        received += decoder.decode(result.value);
      }
      return received;
    });
    expect(text).toBe(
      'id: 2\ndata: {"type":"text-delta","id":"t","delta":"one "}\n\n' +
        'id: 3\ndata: {"type":"text-delta","id":"t","delta":"two"}\n\n' +
        "data: [DONE]\n\n",
    );
  });

  it("sends a heartbeat comment while the answer is silent", async () => {
    const first = await withBuffer(async (buffer) => {
      const reader = buffer.subscribe({ afterId: 0, isLive: () => true, heartbeatMs: 5 }).getReader();
      const { value } = await reader.read();
      await reader.cancel();
      return new TextDecoder().decode(value);
    });
    expect(first).toBe(": ping\n\n");
  });

  it("keeps ids growing across answers, so an old Last-Event-ID replays the new answer whole", async () => {
    const ids = await withBuffer(async (buffer, sql) => {
      buffer.append({ type: "start" });
      buffer.append({ type: "finish" });
      buffer.clear();
      buffer.append({ type: "start" });
      const text = await readText(buffer.subscribe({ afterId: 1, isLive: () => false }));
      return { text, rows: sql.exec("SELECT id FROM stream_events").toArray() };
    });
    expect(ids.rows).toEqual([{ id: 3 }]);
    expect(ids.text).toBe('id: 3\ndata: {"type":"start"}\n\ndata: [DONE]\n\n');
  });

  it("splits a huge text delta so that no row nears SQLite's 2 MB limit", async () => {
    const delta = "é".repeat(1_500_000);
    const stored = await withBuffer(async (buffer, sql) => {
      buffer.append({ type: "text-delta", id: "t", delta });
      const chunks = await buffer.chunks();
      const longest = sql.exec<{ longest: number }>(
        "SELECT max(length(CAST(body AS BLOB))) AS longest FROM stream_events",
      );
      return { chunks, longestBytes: longest.one().longest };
    });
    expect(stored.chunks.length).toBeGreaterThan(1);
    expect(stored.longestBytes).toBeLessThan(256 * 1024);
    expect(stored.chunks.map((chunk) => (chunk.type === "text-delta" ? chunk.delta : "")).join("")).toBe(delta);
  });

  it("stores the events appended in one turn together, at the end of the turn", async () => {
    const counts = await withBuffer(async (buffer, sql) => {
      const stored = () => sql.exec<{ count: number }>("SELECT count(*) AS count FROM stream_events").one().count;
      // Each of another text part, so that no two are stored as one.
      for (let index = 0; index < 10; index++)
        buffer.append({ type: "text-delta", id: `t${index}`, delta: `${index}` });
      const duringTheTurn = stored();
      await vi.waitUntil(() => stored() === 10);
      return { duringTheTurn, after: stored() };
    });
    expect(counts).toEqual({ duringTheTurn: 0, after: 10 });
  });

  it("stores an answer's later text deltas together, up to 50 ms after the last batch, and anything else at once", async () => {
    const counts = await withBuffer(async (buffer, sql) => {
      const stored = () => sql.exec<{ count: number }>("SELECT count(*) AS count FROM stream_events").one().count;
      const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));
      buffer.append({ type: "text-delta", id: "t", delta: "First " });
      await nextTurn();
      const firstText = stored();
      buffer.append({ type: "text-delta", id: "t", delta: "second " });
      buffer.append({ type: "text-delta", id: "t", delta: "third" });
      await nextTurn();
      const laterText = stored();
      buffer.append({ type: "text-end", id: "t" });
      await nextTurn();
      return { firstText, laterText, withTheEnd: stored() };
    });
    // The second and third deltas went together, as one event.
    expect(counts).toEqual({ firstText: 1, laterText: 1, withTheEnd: 3 });
  });

  it("stores text deltas that follow each other in a batch as one event, apart from other parts' and metadata", async () => {
    const bodies = await withBuffer(async (buffer, sql) => {
      const rows = () => sql.exec<{ body: string }>("SELECT body FROM stream_events ORDER BY id").toArray();
      buffer.append({ type: "text-delta", id: "a", delta: "One " });
      buffer.append({ type: "text-delta", id: "a", delta: "two " });
      buffer.append({ type: "text-delta", id: "b", delta: "other " });
      buffer.append({ type: "text-delta", id: "b", delta: "part " });
      buffer.append({ type: "text-delta", id: "b", delta: "marked", providerMetadata: { local: { mark: 1 } } });
      buffer.append({ type: "text-delta", id: "b", delta: "." });
      // Two deltas that together pass the size of a stored piece stay two events.
      buffer.append({ type: "text-delta", id: "c", delta: "x".repeat(40_000) });
      buffer.append({ type: "text-delta", id: "c", delta: "y".repeat(40_000) });
      buffer.flush();
      return rows().map((row) => JSON.parse(row.body));
    });
    expect(bodies).toEqual([
      { type: "text-delta", id: "a", delta: "One two " },
      { type: "text-delta", id: "b", delta: "other part " },
      { type: "text-delta", id: "b", delta: "marked", providerMetadata: { local: { mark: 1 } } },
      { type: "text-delta", id: "b", delta: "." },
      { type: "text-delta", id: "c", delta: "x".repeat(40_000) },
      { type: "text-delta", id: "c", delta: "y".repeat(40_000) },
    ]);
  });

  it("gives a reader resuming after any event every later event exactly once, in order", async () => {
    // Bursts of appends, some larger than one batch, each stored before the next; a reader starts after every event
    // appended so far (stored or not) at every burst, and once more after the answer has ended.
    const bursts = [1, 3, 64, 70, 2, 130, 5];
    const total = bursts.reduce((sum, burst) => sum + burst, 0);
    const received = await withBuffer(async (buffer, sql) => {
      const stored = () => sql.exec<{ count: number }>("SELECT count(*) AS count FROM stream_events").one().count;
      let live = true;
      let appended = 0;
      const readers: { afterId: number; text: Promise<string> }[] = [];
      const startReaders = () => {
        for (let afterId = 0; afterId <= appended; afterId++) {
          readers.push({ afterId, text: readText(buffer.subscribe({ afterId, isLive: () => live })) });
        }
      };
      for (const burst of bursts) {
        for (let index = 0; index < burst; index++) {
          appended++;
          buffer.append({ type: "text-delta", id: `t${appended}`, delta: `${appended} ` });
        }
        startReaders();
        await vi.waitUntil(() => stored() === appended);
      }
      live = false;
      buffer.wake();
      startReaders();
      return Promise.all(readers.map(async (reader) => ({ afterId: reader.afterId, text: await reader.text })));
    });
    expect(received.length).toBeGreaterThan(total);
    for (const { afterId, text } of received) {
      const expected = Array.from({ length: total - afterId }, (_, index) => {
        const id = afterId + index + 1;
        return `id: ${id}\ndata: {"type":"text-delta","id":"t${id}","delta":"${id} "}\n\n`;
      });
      expect(text).toBe(`${expected.join("")}data: [DONE]\n\n`);
    }
  });

  it("serves a reader that has caught up from memory, and one further behind from SQLite, each event once", async () => {
    const result = await withBuffer(async (buffer, sql) => {
      let live = true;
      // More events than the buffer keeps in memory, so that an early reader has to read the oldest from SQLite.
      for (let index = 1; index <= 300; index++)
        buffer.append({ type: "text-delta", id: `t${index}`, delta: `${index} ` });
      const early = readText(buffer.subscribe({ afterId: 0, isLive: () => live }));
      const caughtUp = buffer.subscribe({ afterId: 300, isLive: () => live }).getReader();
      const next = caughtUp.read();
      // The table no longer holds what the caught-up reader is sent next: only memory can serve it.
      buffer.append({ type: "text-delta", id: "t301", delta: "301 " });
      buffer.flush();
      sql.exec("UPDATE stream_events SET body = ? WHERE id = 301", JSON.stringify({ type: "finish" }));
      const decoder = new TextDecoder();
      const caughtUpText = decoder.decode((await next).value);
      live = false;
      buffer.wake();
      await caughtUp.cancel();
      return { early: await early, caughtUpText };
    });
    expect(result.caughtUpText).toBe('id: 301\ndata: {"type":"text-delta","id":"t301","delta":"301 "}\n\n');
    // The early reader read the first events from the table and the newest from memory: each event once, in order.
    const ids = [...result.early.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids).toEqual(Array.from({ length: 301 }, (_, index) => index + 1));
    expect(result.early).toContain('id: 1\ndata: {"type":"text-delta","id":"t1","delta":"1 "}');
  });

  it("refuses a stored event that is not a UI message chunk instead of passing it on", async () => {
    const read = withBuffer(async (buffer, sql) => {
      buffer.append({ type: "start" });
      sql.exec("INSERT INTO stream_events (body) VALUES (?)", JSON.stringify({ type: "text-delta", delta: 42 }));
      return buffer.chunks();
    });
    await expect(read).rejects.toThrow(/invalid/i);
  });
});
