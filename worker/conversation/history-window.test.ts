import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../contract";
import { estimateTokens, historyWindow } from "./history-window";

function message(role: "user" | "assistant", text: string, metadata?: ChatMessage["metadata"]): ChatMessage {
  return { id: crypto.randomUUID(), role, parts: [{ type: "text", text }], metadata };
}

/** A conversation of `turns` question-and-answer pairs, newest first as the store yields them. */
function conversation(turns: number, length: number): ChatMessage[] {
  const messages = Array.from({ length: turns }, (_, index) => [
    message("user", `Question ${index} ${"q".repeat(length)}`),
    message("assistant", `Answer ${index} ${"a".repeat(length)}`),
  ]).flat();
  return messages.reverse();
}

describe("historyWindow", () => {
  it("keeps the latest turns that fit the budget, oldest first", async () => {
    const window = await historyWindow(conversation(50, 400), 1000);
    const used = window.reduce((sum, turn) => sum + estimateTokens(turn.text), 0);
    expect(used).toBeLessThanOrEqual(1000);
    expect(window.length).toBeGreaterThan(4);
    expect(window.at(-1)?.text).toMatch(/^Answer 49 /);
    expect(window[0]?.role).toBe("user");
  });

  it("stops reading at the first message that does not fit", async () => {
    const read: ChatMessage[] = [];
    const messages = conversation(1000, 400);
    function* newestFirst() {
      for (const next of messages) {
        read.push(next);
        yield next;
      }
    }
    await historyWindow(newestFirst(), 1000);
    expect(read.length).toBeLessThan(20);
  });

  it("leaves out failed answers and empty messages", async () => {
    const window = await historyWindow(
      [
        message("assistant", "Half an answer", { status: "errored", reason: "failed" }),
        message("user", "Second question"),
        message("assistant", "Stopped early", { status: "stopped" }),
        message("user", "First question"),
        message("assistant", ""),
      ].values(),
    );
    expect(window).toEqual([
      { role: "user", text: "First question" },
      { role: "assistant", text: "Stopped early" },
      { role: "user", text: "Second question" },
    ]);
  });

  it("keeps only the latest version of a regenerated answer, even when that one failed", async () => {
    const window = await historyWindow(
      [
        message("user", "Second question"),
        message("assistant", "Third try", { status: "errored", reason: "failed" }),
        message("assistant", "Second try"),
        message("assistant", "First try"),
        message("user", "First question"),
      ].values(),
    );
    expect(window).toEqual([
      { role: "user", text: "First question" },
      { role: "user", text: "Second question" },
    ]);
  });
});
