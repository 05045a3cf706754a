import { describe, expect, it } from "vitest";
import { createPacer } from "./pacer";

describe("createPacer", () => {
  it("lets a waiting timer run once the work of a turn is done, and not before", async () => {
    const pause = createPacer(10);
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    await pause(6);
    expect(timerRan).toBe(false);
    await pause(6);
    expect(timerRan).toBe(true);
  });
});
