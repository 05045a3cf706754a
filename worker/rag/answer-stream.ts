import { createUIMessageStream, type LanguageModel, streamText, type UIMessageChunk } from "ai";
import type { ChatDataParts, ChatMessage, ChatMetadata, SourcesData, TimingsData } from "../contract";
import { buildAnswerPrompt } from "./prompt";
import type { RetrievedChunk } from "./retrieved-chunk";

export interface AnswerRequest {
  model: LanguageModel;
  modelId: string;
  offline: boolean;
  retrieve: (query: string) => Promise<RetrievedChunk[]>;
  /** The conversation so far, ending with the new user message. */
  messages: ChatMessage[];
  onFinish: (answer: FinishedAnswer) => Promise<void>;
}

export interface FinishedAnswer {
  message: ChatMessage;
  sources: RetrievedChunk[];
  timings: TimingsData;
  usage: NonNullable<ChatMetadata["usage"]>;
}

const historyTurns = 6;
const snippetLength = 280;

/**
 * The ask flow after the request is accepted: retrieve, prompt with numbered sources, stream the model's
 * answer as UI message chunks (text deltas, a `data-sources` part first, one `source-document` part per
 * cited source and a `data-timings` part last), then hand the finished message to `onFinish`.
 */
export function streamAnswer(request: AnswerRequest): ReadableStream<UIMessageChunk<ChatMetadata, ChatDataParts>> {
  const started = Date.now();
  let sources: RetrievedChunk[] = [];
  let timings: TimingsData | undefined;
  let usage: FinishedAnswer["usage"] = { inputTokens: null, outputTokens: null };

  return createUIMessageStream<ChatMessage>({
    originalMessages: request.messages,
    onError: describeFailure,
    execute: async ({ writer }) => {
      writer.write({ type: "start" });
      const question = messageText(request.messages.at(-1));
      sources = await request.retrieve(question);
      const retrievalMs = Date.now() - started;
      writer.write({ type: "data-sources", data: sourcesData(sources) });

      const prompt = buildAnswerPrompt({ question, history: previousTurns(request.messages), sources });
      const result = streamText({ model: request.model, system: prompt.system, messages: prompt.messages });
      let firstTokenMs: number | null = null;
      for await (const chunk of result.toUIMessageStream<ChatMessage>({
        sendStart: false,
        sendFinish: false,
        onError: describeFailure,
      })) {
        if (chunk.type === "text-delta" && firstTokenMs === null) firstTokenMs = Date.now() - started;
        writer.write(chunk);
      }

      for (const index of citedSourceIndexes(await result.text, sources.length)) {
        const source = sources[index - 1];
        if (source) {
          writer.write({
            type: "source-document",
            sourceId: source.chunkId,
            mediaType: "text/plain",
            title: source.title,
          });
        }
      }
      const totalUsage = await result.totalUsage;
      usage = { inputTokens: totalUsage.inputTokens ?? null, outputTokens: totalUsage.outputTokens ?? null };
      timings = {
        retrievalMs,
        firstTokenMs,
        totalMs: Date.now() - started,
        model: request.modelId,
        offline: request.offline,
      };
      writer.write({ type: "data-timings", data: timings });
      writer.write({ type: "finish", messageMetadata: { model: request.modelId, usage } });
    },
    onEnd: async ({ responseMessage }) => {
      const finalTimings = timings ?? {
        retrievalMs: 0,
        firstTokenMs: null,
        totalMs: Date.now() - started,
        model: request.modelId,
        offline: request.offline,
      };
      await request.onFinish({ message: responseMessage, sources, timings: finalTimings, usage });
    },
  });
}

/** Users get a readable message; the detail, which may name internals, goes to the logs only. */
function describeFailure(error: unknown): string {
  console.error("Answer generation failed", error);
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

function previousTurns(messages: ChatMessage[]): Array<{ role: "user" | "assistant"; text: string }> {
  return messages
    .slice(0, -1)
    .slice(-historyTurns)
    .flatMap((message) =>
      message.role === "user" || message.role === "assistant"
        ? [{ role: message.role, text: messageText(message) }]
        : [],
    )
    .filter((turn) => turn.text.length > 0);
}

function sourcesData(sources: RetrievedChunk[]): SourcesData {
  return {
    sources: sources.map((source, index) => ({
      index: index + 1,
      chunkId: source.chunkId,
      documentId: source.documentId,
      title: source.title,
      snippet: source.text.length > snippetLength ? `${source.text.slice(0, snippetLength)}…` : source.text,
      score: source.score,
    })),
  };
}
