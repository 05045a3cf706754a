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
    const result = await withStore((store) => {
      store.save(message("a", "first"));
      store.save(message("b", "second", "assistant"));
      store.save(message("a", "first, edited"));
      return { all: JSON.parse(store.allAsJson()), newest: [...store.newestFirst(1)].map((saved) => saved.id) };
    });
    expect(result.all).toEqual([message("a", "first, edited"), message("b", "second", "assistant")]);
    expect(result.newest).toEqual(["b", "a"]);
  });

  it("stores a message of several megabytes across rows that each stay far below 2 MB", async () => {
    // Four-byte characters (surrogate pairs in JavaScript) at every possible cut.
    const text = `${"Long answer 🚀 ".repeat(300_000)}end`;
    const result = await withStore((store, sql) => {
      store.save(message("huge", text, "assistant"));
      const rows = sql
        .exec<{ bytes: number }>(
          `SELECT length(CAST(body AS BLOB)) AS bytes FROM messages
           UNION ALL SELECT length(CAST(body AS BLOB)) FROM message_pieces`,
        )
        .toArray();
      const [saved] = store.newestFirst();
      return { rows, saved };
    });
    expect(result.rows.length).toBeGreaterThan(5);
    for (const row of result.rows) expect(row.bytes).toBeLessThan(1024 * 1024);
    expect(result.saved).toEqual(message("huge", text, "assistant"));
  });
});

describe("splitIntoPieces", () => {
  it("never cuts a surrogate pair in half", () => {
    const pieces = splitIntoPieces("a🚀b🚀", 2);
    expect(pieces).toEqual(["a", "🚀", "b", "🚀"]);
    expect(pieces.join("")).toBe("a🚀b🚀");
  });
});
