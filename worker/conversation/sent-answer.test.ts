import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { ContinuationMismatch, type SentAnswer, sentAnswer, skipSentChunks } from "./sent-answer";

const opening: UIMessageChunk[] = [
  { type: "start", messageId: "a1" },
  { type: "data-sources", data: { sources: [] } },
  { type: "start-step" },
];

/** The whole answer as a model writes it, with the text part named `textId` and the text in `deltas`. */
function answer(textId: string, deltas: string[]): UIMessageChunk[] {
  return [
    ...opening,
    { type: "text-start", id: textId },
    ...deltas.map((delta): UIMessageChunk => ({ type: "text-delta", id: textId, delta })),
    { type: "text-end", id: textId },
    { type: "finish-step" },
    { type: "finish" },
  ];
}

async function skip(sent: SentAnswer, chunks: UIMessageChunk[]): Promise<UIMessageChunk[]> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const passed: UIMessageChunk[] = [];
  for await (const chunk of stream.pipeThrough(skipSentChunks(sent))) passed.push(chunk);
  return passed;
}

function sentOf(chunks: UIMessageChunk[]): SentAnswer {
  const sent = sentAnswer(chunks);
  if (!sent) throw new Error("the answer cannot be continued");
  return sent;
}

describe("sentAnswer", () => {
  it("reads the openings and the text sent so far", () => {
    const sent = sentOf(answer("t", ["Hotel ", "nights ", "are"]).slice(0, 6));
    expect(sent).toEqual({
      openings: new Set(["start", "data-sources", "start-step"]),
      textId: "t",
      text: "Hotel nights ",
      textEnded: false,
    });
  });

  it("refuses an answer that already ended or has two text parts", () => {
    expect(sentAnswer(answer("t", ["Done."]))).toBeNull();
    expect(sentAnswer([...opening, { type: "error", errorText: "failed" }])).toBeNull();
    expect(
      sentAnswer([
        ...opening,
        { type: "text-start", id: "a" },
        { type: "text-end", id: "a" },
        { type: "text-start", id: "b" },
      ]),
    ).toBeNull();
  });
});

describe("skipSentChunks", () => {
  it("passes only what was not sent, under the text id the readers know, however the deltas are cut", async () => {
    const sent = sentOf(answer("first", ["Hotel ", "nights ", "are"]).slice(0, 6));
    const passed = await skip(sent, answer("second", ["Hot", "el nights a", "re reimbursed ", "up to 180 euros."]));
    expect(passed).toEqual([
      { type: "text-delta", id: "first", delta: "a" },
      { type: "text-delta", id: "first", delta: "re reimbursed " },
      { type: "text-delta", id: "first", delta: "up to 180 euros." },
      { type: "text-end", id: "first" },
      { type: "finish-step" },
      { type: "finish" },
    ]);
  });

  it("passes everything after the openings when no text was sent", async () => {
    const passed = await skip(sentOf(opening.slice(0, 1)), answer("t", ["Hello."]));
    expect(passed.map((chunk) => chunk.type)).toEqual([
      "data-sources",
      "start-step",
      "text-start",
      "text-delta",
      "text-end",
      "finish-step",
      "finish",
    ]);
  });

  it("passes only the end of an answer whose text was sent whole", async () => {
    const whole = answer("t", ["Hello."]);
    const passed = await skip(sentOf(whole.slice(0, 6)), whole);
    expect(passed).toEqual([{ type: "finish-step" }, { type: "finish" }]);
  });

  it("fails rather than send a different text, or a shorter one", async () => {
    const sent = sentOf(answer("t", ["Hotel ", "nights ", "are"]).slice(0, 6));
    await expect(skip(sent, answer("t", ["Hotel rooms are expensive."]))).rejects.toThrow(ContinuationMismatch);
    await expect(skip(sent, answer("t", ["Hotel "]))).rejects.toThrow(ContinuationMismatch);
  });
});
