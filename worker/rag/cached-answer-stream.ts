import { createUIMessageStream } from "ai";
import { z } from "zod";
import { type ChatMessage, groundingDataSchema, type TimingsData } from "../contract";
import {
  type AnswerChunk,
  answerMetadata,
  citedSourceIndexes,
  type FinishedAnswer,
  sourceDocumentChunks,
  sourcesData,
} from "./answer-stream";
import { retrievedChunkSchema } from "./retrieved-chunk";

/** What is kept of an answer to stream it again: its text, the passages it was given and its grounding. */
export const cachedAnswerSchema = z.object({
  text: z.string(),
  sources: z.array(retrievedChunkSchema),
  grounding: groundingDataSchema,
});
export type CachedAnswer = z.infer<typeof cachedAnswerSchema>;

export interface CachedAnswerRequest {
  answer: CachedAnswer;
  /** Id of the assistant message the answer becomes. */
  messageId: string;
  /** The model that wrote the cached answer (the cache is kept per model). */
  modelId: string;
  offline: boolean;
  /** When the question was taken up (`Date.now()`), so the timings count the cache lookup. */
  startedAt: number;
  onFinish: (answer: FinishedAnswer) => void | Promise<void>;
}

/**
 * Streams a cached answer with the parts of a live one (`start`, `data-sources`, the text, one `source-document` per
 * cited source, `data-grounding`, `data-timings`, `finish`), its timings and metadata marked `cached`, and hands the
 * finished message to `onFinish` as `streamAnswer` does. It costs no model tokens.
 */
export function streamCachedAnswer(request: CachedAnswerRequest): ReadableStream<AnswerChunk> {
  const { answer, startedAt } = request;
  const textId = "text";
  let timings: TimingsData = {
    retrievalMs: 0,
    firstTokenMs: null,
    totalMs: 0,
    inputTokens: 0,
    outputTokens: 0,
    model: request.modelId,
    offline: request.offline,
    cached: true,
  };
  const metadata = () => ({ ...answerMetadata(request.modelId, timings, "complete", null), cached: true });
  return createUIMessageStream<ChatMessage>({
    execute: ({ writer }) => {
      writer.write({ type: "start", messageId: request.messageId });
      timings = { ...timings, retrievalMs: Date.now() - startedAt };
      writer.write({ type: "data-sources", data: sourcesData(answer.sources) });
      writer.write({ type: "text-start", id: textId });
      timings = { ...timings, firstTokenMs: Date.now() - startedAt };
      writer.write({ type: "text-delta", id: textId, delta: answer.text });
      writer.write({ type: "text-end", id: textId });
      const cited = citedSourceIndexes(answer.text, answer.sources.length);
      for (const chunk of sourceDocumentChunks(cited, answer.sources)) writer.write(chunk);
      writer.write({ type: "data-grounding", data: answer.grounding });
      timings = { ...timings, totalMs: Date.now() - startedAt };
      writer.write({ type: "data-timings", data: timings });
      writer.write({ type: "finish", messageMetadata: metadata() });
    },
    onEnd: async ({ responseMessage }) => {
      const message: ChatMessage = { ...responseMessage, metadata: { ...responseMessage.metadata, ...metadata() } };
      await request.onFinish({ message, status: "complete", reason: null, sources: answer.sources, timings });
    },
  });
}

/**
 * What the cache keeps of a finished live answer, or null when it must not be kept: only a complete answer whose
 * grounding is `answered`. A declined answer cites no document, so no document change would ever drop it: once
 * the missing document is uploaded, the next asker would still be told there is nothing. A partial answer has the
 * same flaw for its uncovered parts.
 */
export function cachedFormOf(answer: FinishedAnswer): CachedAnswer | null {
  if (answer.status !== "complete" || answer.sources.length === 0) return null;
  const parts = answer.message.parts;
  const grounding = parts.flatMap((part) => (part.type === "data-grounding" ? [part.data] : []))[0];
  if (grounding?.status !== "answered") return null;
  const text = parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
  return { text, sources: answer.sources, grounding };
}
