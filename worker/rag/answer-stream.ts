import { APICallError, type LanguageModelV4 } from "@ai-sdk/provider";
import { createUIMessageStream, type LanguageModelUsage, RetryError, streamText, type UIMessageChunk } from "ai";
import type {
  AnswerStatus,
  ChatDataParts,
  ChatMessage,
  ChatMetadata,
  RetrievalStageTimings,
  SourcesData,
  TimingsData,
} from "../contract";
import { continuedText, continueInstruction } from "./continued-text";
import {
  type GroundedSources,
  type GroundingOptions,
  groundingOf,
  type PartRetrieval,
  retrieveGrounded,
} from "./grounded-retrieval";
import { type AnswerPrompt, buildAnswerPrompt, type ConversationTurn } from "./prompt";
import type { RetrievedChunk } from "./retrieved-chunk";

export interface AnswerRequest {
  model: LanguageModelV4;
  modelId: string;
  offline: boolean;
  /** Id of the assistant message the answer becomes; sent in the `start` chunk so every replay carries it. */
  messageId: string;
  question: string;
  /** Earlier turns, oldest first, already cut to fit the prompt. */
  history: readonly ConversationTurn[];
  /** Retrieval for one part of the question (each part of a question with several is retrieved on its own). */
  retrieve: (part: string) => Promise<PartRetrieval>;
  /** The time of each retrieval stage, as `retrieve` adds it up, reported in `data-timings`. */
  retrievalStages?: RetrievalStageTimings;
  /** The hop from the Worker into the conversation's object, reported in `data-timings`. */
  conversationHopMs?: number | undefined;
  /** Which of the retrieved passages the model is given. */
  grounding: GroundingOptions;
  /** Called with the sources before the answer cites any, so they can be kept for a continuation. */
  onSources?: (grounded: GroundedSources) => void;
  /** An answer cut off part-way (e.g. by a restart) to be finished rather than started. */
  resumeFrom?: ResumeFrom | undefined;
  /** Aborting it stops the answer: the stream ends with an `abort` chunk and the answer counts as stopped. */
  stopSignal?: AbortSignal;
  /** Called once the stream has ended, whichever way it ended. */
  onFinish: (answer: FinishedAnswer) => void | Promise<void>;
}

/**
 * What is known of an answer that was cut off. The stream is then the whole answer again, as if never cut off; the
 * caller skips what its readers already have. Either the model continues the text (given it as its own partial reply),
 * or, for a model that cannot, writes the answer again from the same sources, which a deterministic model does
 * word for word.
 */
export interface ResumeFrom {
  /** The passages the answer was written from; null when it was cut off before they were retrieved. */
  sources: RetrievedChunk[] | null;
  /** The parts of the question those passages do not cover. */
  uncoveredParts: string[];
  /** The text already sent. */
  text: string;
  /** True when the text was sent whole and only what follows it was lost: the model is not asked again. */
  textComplete: boolean;
  /** Whether the model is given the text to continue; otherwise it writes the answer again. */
  continuesAnswers: boolean;
}

/** A finished answer: the assistant message as streamed (with `metadata.status`), what it drew on and cost. */
export interface FinishedAnswer {
  message: ChatMessage;
  status: AnswerStatus;
  /** Why it stopped or failed, for the user; null when complete. */
  reason: string | null;
  sources: RetrievedChunk[];
  timings: TimingsData;
}

/** One chunk of the chat's UI message stream. */
export type AnswerChunk = UIMessageChunk<ChatMetadata, ChatDataParts>;

// Model calls that fail before any text streamed (429, 5xx, request timeouts) are tried this many more times.
const modelRetries = 2;
// Limits on one model call: time to the first text, the longest silence between chunks, and the whole answer.
const modelTimeout = { firstChunkMs: 60_000, chunkMs: 30_000, totalMs: 5 * 60_000 };

/** What a stopped answer's metadata says. */
export const stoppedReason = "Stopped before the answer was complete.";

/**
 * The ask flow after the request is accepted: retrieve (each part of the question, keeping the passages that pass the
 * relevance test), prompt with numbered sources, stream the model's answer as UI message chunks (a `start` with the
 * message id, a `data-sources` part, text deltas, one `source-document` part per cited source, a `data-grounding` part
 * for a complete answer, a `data-timings` part and a `finish` carrying the metadata), then hand the finished message to
 * `onFinish`. A stop ends the stream with `abort`; a model failure, after retries, with an `error` chunk whose text a
 * user can read. Either way the partial text is kept.
 */
export function streamAnswer(request: AnswerRequest): ReadableStream<AnswerChunk> {
  const started = Date.now();
  let sources: RetrievedChunk[] = [];
  let status: AnswerStatus = "complete";
  let reason: string | null = null;
  let timings: TimingsData = {
    retrievalMs: 0,
    firstTokenMs: null,
    totalMs: 0,
    inputTokens: null,
    outputTokens: null,
    model: request.modelId,
    offline: request.offline,
    ...(request.conversationHopMs === undefined ? {} : { conversationHopMs: request.conversationHopMs }),
  };

  // The SDK calls `onError` for failures, and again for every error chunk while it builds the message: those
  // already carry their readable text, so they are recognised here and not described a second time.
  const sentErrors = new Set<string>();
  return createUIMessageStream<ChatMessage>({
    onError: (error) => {
      if (error instanceof Error && sentErrors.has(error.message)) return error.message;
      status = "errored";
      reason = describeFailure(error);
      sentErrors.add(reason);
      return reason;
    },
    execute: async ({ writer }) => {
      writer.write({ type: "start", messageId: request.messageId });
      const resumed = request.resumeFrom;
      const grounded: GroundedSources = resumed?.sources
        ? { sources: resumed.sources, uncoveredParts: resumed.uncoveredParts }
        : await retrieveGrounded(request.question, request.retrieve, request.grounding);
      sources = grounded.sources;
      request.onSources?.(grounded);
      timings = { ...timings, retrievalMs: Date.now() - started };
      if (request.retrievalStages) timings = { ...timings, retrievalStages: { ...request.retrievalStages } };
      writer.write({ type: "data-sources", data: sourcesData(sources) });

      const prompt = buildAnswerPrompt({ question: request.question, history: request.history, sources });
      const answer = resumed?.textComplete ? sentWhole(resumed.text) : callModel(request, prompt, resumed);
      let text = "";
      for await (const chunk of answer.chunks) {
        if (chunk.type === "text-delta") {
          if (timings.firstTokenMs === null) timings = { ...timings, firstTokenMs: Date.now() - started };
          text += chunk.delta;
        } else if (chunk.type === "error") {
          status = "errored";
          reason = chunk.errorText;
          sentErrors.add(reason);
        } else if (chunk.type === "abort") {
          if (!request.stopSignal?.aborted) {
            // Not a stop: one of the model timeouts fired, which is a failure the user should see as one.
            status = "errored";
            reason = timeoutMessage;
            sentErrors.add(reason);
            writer.write({ type: "error", errorText: timeoutMessage });
            continue;
          }
          status = "stopped";
          reason = stoppedReason;
        }
        writer.write(chunk);
      }

      const cited = citedSourceIndexes(text, sources.length);
      for (const chunk of sourceDocumentChunks(cited, sources)) writer.write(chunk);
      if (status === "complete") {
        writer.write({
          type: "data-grounding",
          data: groundingOf(request.question, grounded.uncoveredParts, cited.length),
        });
      }
      // A stopped or failed call has no usage to report; its promise rejects with the same failure.
      const usage = await answer.usage().catch(() => undefined);
      timings = {
        ...timings,
        totalMs: Date.now() - started,
        inputTokens: usage?.inputTokens ?? null,
        outputTokens: usage?.outputTokens ?? null,
      };
      writer.write({ type: "data-timings", data: timings });
      writer.write({ type: "finish", messageMetadata: answerMetadata(request.modelId, timings, status, reason) });
    },
    onEnd: async ({ responseMessage }) => {
      if (timings.totalMs === 0) timings = { ...timings, totalMs: Date.now() - started };
      // The metadata is set here too, because a failure can end the stream before its `finish` chunk.
      const message: ChatMessage = {
        ...responseMessage,
        metadata: { ...responseMessage.metadata, ...answerMetadata(request.modelId, timings, status, reason) },
      };
      await request.onFinish({ message, status, reason, sources, timings });
    },
  });
}

interface ModelAnswer {
  chunks: ReadableStream<AnswerChunk>;
  usage: () => Promise<LanguageModelUsage | undefined>;
}

// The model's answer as UI chunks: a new answer, or the continuation of a cut-off one, opening with its text.
function callModel(request: AnswerRequest, prompt: AnswerPrompt, resumed: ResumeFrom | undefined): ModelAnswer {
  const continuing = resumed?.continuesAnswers === true && resumed.text.length > 0;
  const result = streamText({
    model: request.model,
    system: prompt.system,
    messages: continuing
      ? [
          ...prompt.messages,
          { role: "assistant", content: resumed.text },
          { role: "user", content: continueInstruction },
        ]
      : prompt.messages,
    abortSignal: request.stopSignal,
    maxRetries: modelRetries,
    timeout: modelTimeout,
    // The failure reaches the stream as an error chunk; this only keeps the SDK from logging it twice.
    onError: () => {},
  });
  const chunks = result.toUIMessageStream<ChatMessage>({
    sendStart: false,
    sendFinish: false,
    onError: describeFailure,
  });
  return {
    chunks: continuing ? chunks.pipeThrough(continuedText(resumed.text)) : chunks,
    usage: async () => result.totalUsage,
  };
}

// The text of an answer that was sent whole before it was cut off, as the model's chunks carried it.
function sentWhole(text: string): ModelAnswer {
  const id = "text";
  const chunks = new ReadableStream<AnswerChunk>({
    start(controller) {
      controller.enqueue({ type: "text-start", id });
      controller.enqueue({ type: "text-delta", id, delta: text });
      controller.enqueue({ type: "text-end", id });
      controller.close();
    },
  });
  return { chunks, usage: async () => undefined };
}

const timeoutMessage = "The model took too long to answer; please try again.";

/** The metadata of a finished answer, which its `finish` chunk carries and its saved message keeps. */
export function answerMetadata(
  model: string,
  timings: TimingsData,
  status: AnswerStatus,
  reason: string | null,
): ChatMetadata {
  const usage = { inputTokens: timings.inputTokens, outputTokens: timings.outputTokens };
  return reason === null ? { model, usage, status } : { model, usage, status, reason };
}

/**
 * A message a user can act on. The detail, which may name internal hosts or keys, goes to the logs only.
 */
export function describeFailure(error: unknown): string {
  console.error("Answer generation failed", error);
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause)) {
    if (cause.statusCode === 429) return "The model service is busy right now; please try again in a minute.";
    if (cause.statusCode === 408) return timeoutMessage;
    if (cause.statusCode !== undefined && cause.statusCode >= 500) {
      return "The model service failed to answer; please try again.";
    }
  }
  return "The answer could not be generated; please try again.";
}

/** The plain text of a UI message. */
export function messageText(message: ChatMessage | undefined): string {
  return (message?.parts ?? [])
    .flatMap((part) => (part.type === "text" ? [part.text] : []))
    .join("\n")
    .trim();
}

/** The distinct `[n]` markers in `text` that point at one of the `count` sources, in order of first use. */
export function citedSourceIndexes(text: string, count: number): number[] {
  const cited = new Set<number>();
  for (const match of text.matchAll(/\[(\d{1,3})\]/g)) {
    const index = Number(match[1]);
    if (index >= 1 && index <= count) cited.add(index);
  }
  return [...cited];
}

/** One `source-document` chunk per cited source (`cited` holds 1-based indexes into `sources`), in citation order. */
export function sourceDocumentChunks(cited: readonly number[], sources: readonly RetrievedChunk[]): AnswerChunk[] {
  return cited.flatMap((index) => {
    const source = sources[index - 1];
    return source
      ? [{ type: "source-document", sourceId: source.chunkId, mediaType: "text/plain", title: source.title } as const]
      : [];
  });
}

/** The `data-sources` part: every passage the answer was given, numbered as the text cites them. */
export function sourcesData(sources: readonly RetrievedChunk[]): SourcesData {
  return {
    sources: sources.map((source, index) => ({
      index: index + 1,
      chunkId: source.chunkId,
      documentId: source.documentId,
      title: source.title,
      // Whole, so a reader can check the sentence an answer cites; chunks are a few thousand characters at most.
      snippet: source.text,
      score: source.score,
      headingPath: source.headingPath,
      page: source.page ?? null,
    })),
  };
}
