import { describe, expect, it } from "vitest";
import { runConcurrently } from "./run-concurrently.ts";

describe("runConcurrently", () => {
  it("works through every item once, never more than `limit` at a time", async () => {
    let running = 0;
    let mostAtOnce = 0;
    const done: number[] = [];
    await runConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(item);
      running -= 1;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(mostAtOnce).toBe(3);
  });

  it("rejects with the first error", async () => {
    await expect(
      runConcurrently([1, 2], 2, async (item) => {
        if (item === 2) throw new Error("two failed");
      }),
    ).rejects.toThrow("two failed");
  });
});
