import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { convertArrayToReadableStream, convertReadableStreamToArray, MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../contract";
import { citedSourceIndexes, type FinishedAnswer, streamAnswer } from "./answer-stream";
import type { RetrievedChunk } from "./retrieved-chunk";

const sources: RetrievedChunk[] = [1, 2, 3].map((index) => ({
  chunkId: `doc-${index}:chunk`,
  documentId: `doc-${index}`,
  externalId: null,
  title: `Document ${index}`,
  headingPath: "",
  text: `Passage number ${index}.`,
  score: 1 / index,
}));

const question: ChatMessage = { id: "u1", role: "user", parts: [{ type: "text", text: "Which passage?" }] };
const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 4, text: 4, reasoning: 0 },
};

function modelStreaming(parts: LanguageModelV4StreamPart[]) {
  return new MockLanguageModelV4({ doStream: { stream: convertArrayToReadableStream(parts) } });
}

async function run(model: MockLanguageModelV4) {
  let finished: FinishedAnswer | undefined;
  const chunks = await convertReadableStreamToArray(
    streamAnswer({
      model,
      modelId: "mock",
      offline: false,
      messages: [question],
      retrieve: async () => sources,
      onFinish: async (answer) => {
        finished = answer;
      },
    }),
  );
  return { chunks, finished };
}

describe("streamAnswer", () => {
  it("streams sources first, then the text, then one source part per cited source and the timings", async () => {
    const { chunks, finished } = await run(
      modelStreaming([
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: "It is passage three [3] " },
        { type: "text-delta", id: "t", delta: "and one [1], again [3]." },
        { type: "text-end", id: "t" },
        { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
      ]),
    );
    const types = chunks.map((chunk) => chunk.type);
    expect(types.indexOf("data-sources")).toBeLessThan(types.indexOf("text-delta"));
    expect(types.at(-2)).toBe("data-timings");
    expect(types.at(-1)).toBe("finish");
    const cited = chunks.flatMap((chunk) => (chunk.type === "source-document" ? [chunk.sourceId] : []));
    expect(cited).toEqual(["doc-3:chunk", "doc-1:chunk"]);

    expect(finished?.message.role).toBe("assistant");
    expect(finished?.message.parts.find((part) => part.type === "text")).toMatchObject({
      text: "It is passage three [3] and one [1], again [3].",
    });
    expect(finished?.usage).toEqual({ inputTokens: 10, outputTokens: 4 });
    expect(finished?.timings.model).toBe("mock");
  });

  it("sends a readable error, never the internal detail, when the model fails", async () => {
    const { chunks, finished } = await run(
      modelStreaming([
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: "Partial " },
        { type: "error", error: new Error("upstream 503 at internal-host:8080") },
      ]),
    );
    const errors = chunks.filter((chunk) => chunk.type === "error");
    expect(errors).toEqual([{ type: "error", errorText: "The answer could not be generated; please try again." }]);
    expect(finished).toBeDefined();
  });
});

describe("citedSourceIndexes", () => {
  it("keeps markers that point at a source, in order of first use", () => {
    expect(citedSourceIndexes("a [2] b [1] c [2] d [9] e [0]", 3)).toEqual([2, 1]);
  });
});
