import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../contract";
import { MessageStore, splitIntoPieces } from "./message-store";

function withStore<Result>(test: (store: MessageStore, sql: SqlStorage) => Result): Promise<Result> {
  const stub = env.CONVERSATIONS.getByName(`message-store-test/${crypto.randomUUID()}`);
  return runInDurableObject(stub, (_instance, state) => test(new MessageStore(state.storage.sql), state.storage.sql));
}

function message(id: string, text: string, role: "user" | "assistant" = "user"): ChatMessage {
  return { id, role, parts: [{ type: "text", text }] };
}

describe("MessageStore", () => {
  it("keeps messages in order and replaces one saved again under the same id", async () => {
    const result = await withStore(async (store) => {
      store.save(message("a", "first"));
      store.save(message("b", "second", "assistant"));
      store.save(message("a", "first, edited"));
      const newest = [];
      for await (const saved of store.newestFirst({ pageSize: 1 })) newest.push(saved.id);
      const page = store.page({ limit: 10, maximumCharacters: 1_000_000 });
      return { all: JSON.parse(page.messagesJson), cursor: page.olderCursor, newest };
    });
    expect(result.all).toEqual([message("a", "first, edited"), message("b", "second", "assistant")]);
    expect(result.cursor).toBeNull();
    expect(result.newest).toEqual(["b", "a"]);
  });

  it("stores a message of several megabytes across rows that each stay far below 2 MB", async () => {
    // Four-byte characters (surrogate pairs in JavaScript) at every possible cut.
    const text = `${"Long answer 🚀 ".repeat(300_000)}end`;
    const result = await withStore(async (store, sql) => {
      store.save(message("huge", text, "assistant"));
      const rows = sql
        .exec<{ bytes: number }>(
          `SELECT length(CAST(body AS BLOB)) AS bytes FROM messages
           UNION ALL SELECT length(CAST(body AS BLOB)) FROM message_pieces`,
        )
        .toArray();
      return { rows, saved: await store.get("huge") };
    });
    expect(result.rows.length).toBeGreaterThan(5);
    for (const row of result.rows) expect(row.bytes).toBeLessThan(1024 * 1024);
    expect(result.saved).toEqual(message("huge", text, "assistant"));
  });

  it("pages from the newest message back, by count and by size, always at least one message", async () => {
    const result = await withStore((store) => {
      for (let index = 1; index <= 7; index++) store.save(message(`m${index}`, `text ${index}`));
      store.save(message("long", "x".repeat(5000), "assistant"));
      // Room for three of the short messages, which are all the same length.
      const maximumCharacters = 3 * JSON.stringify(message("m1", "text 1")).length;
      const pages = [];
      let before: number | undefined;
      do {
        const page = store.page({ before, limit: 3, maximumCharacters });
        pages.push(JSON.parse(page.messagesJson).map((saved: ChatMessage) => saved.id));
        before = page.olderCursor ?? undefined;
      } while (before !== undefined);
      return pages;
    });
    // The long message exceeds the size alone, so its page holds only it; the rest go three at a time.
    expect(result).toEqual([["long"], ["m5", "m6", "m7"], ["m2", "m3", "m4"], ["m1"]]);
  });

  it("drops what followed a message, and reads only what came before one", async () => {
    const result = await withStore(async (store) => {
      for (const id of ["q1", "a1", "q2", "a2"]) store.save(message(id, id, id.startsWith("q") ? "user" : "assistant"));
      const before = [];
      for await (const saved of store.newestFirst({ before: "q2" })) before.push(saved.id);
      store.deleteAfter("q1");
      return { before, left: store.count(), role: store.roleOf("q1"), gone: store.roleOf("a2") };
    });
    expect(result).toEqual({ before: ["a1", "q1"], left: 1, role: "user", gone: null });
  });

  it("refuses a stored message that is not a valid chat message", async () => {
    const read = withStore(async (store, sql) => {
      store.save(message("ok", "fine"));
      sql.exec("UPDATE messages SET body = ? WHERE id = 'ok'", JSON.stringify({ id: "ok", role: "user", parts: 5 }));
      return store.get("ok");
    });
    await expect(read).rejects.toThrow();
  });
});

describe("splitIntoPieces", () => {
  it("never cuts a surrogate pair in half", () => {
    const pieces = splitIntoPieces("a🚀b🚀", 2);
    expect(pieces).toEqual(["a", "🚀", "b", "🚀"]);
    expect(pieces.join("")).toBe("a🚀b🚀");
  });
});
