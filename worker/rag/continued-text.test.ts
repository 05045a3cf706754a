import type { InferUIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../contract";
import { continuedText } from "./continued-text";

type Chunk = InferUIMessageChunk<ChatMessage>;

/** The chunks of a model's text, split into `deltas`, in a step. */
function modelText(deltas: string[]): Chunk[] {
  return [
    { type: "start-step" },
    { type: "text-start", id: "model" },
    ...deltas.map((delta): Chunk => ({ type: "text-delta", id: "model", delta })),
    { type: "text-end", id: "model" },
    { type: "finish-step" },
  ];
}

async function continued(prefix: string, chunks: Chunk[]): Promise<Chunk[]> {
  const stream = new ReadableStream<Chunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const out: Chunk[] = [];
  for await (const chunk of stream.pipeThrough(continuedText(prefix))) out.push(chunk);
  return out;
}

function text(chunks: Chunk[]): string {
  return chunks.map((chunk) => (chunk.type === "text-delta" ? chunk.delta : "")).join("");
}

describe("continuedText", () => {
  it("opens one text part with the prefix and appends the model's continuation", async () => {
    const out = await continued("Hotel nights are ", modelText(["reimbursed ", "up to 180 euros."]));
    expect(out.map((chunk) => chunk.type)).toEqual([
      "start-step",
      "text-start",
      "text-delta",
      "text-delta",
      "text-delta",
      "text-end",
      "finish-step",
    ]);
    expect(new Set(out.flatMap((chunk) => ("id" in chunk ? [chunk.id] : []))).size).toBe(1);
    expect(text(out)).toBe("Hotel nights are reimbursed up to 180 euros.");
  });

  it("drops the prefix when the model writes it again, however its deltas are cut", async () => {
    const out = await continued("Hotel nights are ", modelText(["Ho", "tel nights", " are reim", "bursed."]));
    expect(text(out)).toBe("Hotel nights are reimbursed.");
  });

  it("keeps a continuation that only begins like the prefix", async () => {
    const out = await continued("Hotel nights ", modelText(["Ho", "wever, only in capitals."]));
    expect(text(out)).toBe("Hotel nights However, only in capitals.");
  });

  it("keeps the prefix when the model fails before writing anything", async () => {
    const out = await continued("Hotel nights ", [{ type: "start-step" }, { type: "error", errorText: "failed" }]);
    expect(out).toEqual([
      { type: "start-step" },
      { type: "text-start", id: "continued" },
      { type: "text-delta", id: "continued", delta: "Hotel nights " },
      { type: "error", errorText: "failed" },
    ]);
  });
});
