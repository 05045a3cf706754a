import type { ChatMessage, SourcesData, TimingsData } from "../../worker/contract";

export type AnswerSource = SourcesData["sources"][number];

/** The text of a message: its text parts joined. */
export function messageText(message: ChatMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/**
 * The sources of an answer in citation order: the `data-sources` part when present, otherwise the
 * `source-document` parts (numbered in the order they arrived, without snippets).
 */
export function messageSources(message: ChatMessage): AnswerSource[] {
  for (const part of message.parts) {
    if (part.type === "data-sources") return [...part.data.sources].sort((left, right) => left.index - right.index);
  }
  const sources: AnswerSource[] = [];
  for (const part of message.parts) {
    if (part.type === "source-document") {
      sources.push({
        index: sources.length + 1,
        chunkId: part.sourceId,
        documentId: "",
        title: part.title,
        snippet: "",
        score: Number.NaN,
      });
    }
  }
  return sources;
}

export function messageTimings(message: ChatMessage): TimingsData | undefined {
  for (const part of message.parts) {
    if (part.type === "data-timings") return part.data;
  }
  return undefined;
}

/** What the answer says of the documents' coverage, in a line for under it; null when it is fully answered. */
export function groundingNote(message: ChatMessage): string | null {
  for (const part of message.parts) {
    if (part.type !== "data-grounding") continue;
    if (part.data.status === "declined") return "The documents do not cover this question.";
    if (part.data.status === "partial") return "Part of this question is not covered by the documents.";
  }
  return null;
}
