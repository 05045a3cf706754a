import { getHeapSnapshot } from "node:v8";
import { expect, it } from "vitest";
import { arrayBufferBytes } from "./heap-snapshot.ts";

/** A heap snapshot of this process, read as text so that reading it holds no ArrayBuffers. */
async function snapshotOfThisProcess(): Promise<unknown> {
  let text = "";
  for await (const chunk of getHeapSnapshot()) text += String(chunk);
  return JSON.parse(text);
}

it("counts the contents of the ArrayBuffers a heap snapshot holds", async () => {
  const without = arrayBufferBytes(await snapshotOfThisProcess());
  const held = new Int8Array(32 * 1024 * 1024);
  const withBuffer = arrayBufferBytes(await snapshotOfThisProcess());
  // Other buffers come and go in a test process: the held one is most of the difference.
  expect((withBuffer - without) / held.byteLength).toBeCloseTo(1, 1);
});
