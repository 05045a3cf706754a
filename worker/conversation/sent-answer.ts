import type { UIMessageChunk } from "ai";

/** What the readers of an answer cut off by a restart have already been sent, read from its stream buffer. */
export interface SentAnswer {
  /** Chunk types an answer sends once, before its text, that were sent (`start`, `data-sources`, `start-step`). */
  openings: ReadonlySet<string>;
  /** The id of the answer's text part; null when no text had started. */
  textId: string | null;
  /** The text sent so far. */
  text: string;
  /** True when the text part was closed: only what follows the text was lost. */
  textEnded: boolean;
}

/** Why an answer cannot be continued: what was sent cannot be told apart from what would be sent again. */
export class ContinuationMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContinuationMismatch";
  }
}

const openingTypes = new Set(["start", "data-sources", "start-step"]);
const endingTypes = new Set(["finish", "error", "abort"]);

/**
 * What was sent of an answer, or null when the answer cannot be taken up again: it already ended (a `finish`,
 * `error` or `abort` was sent), or it has more than one text part, which an answer of one model call never has.
 */
export function sentAnswer(chunks: readonly UIMessageChunk[]): SentAnswer | null {
  const openings = new Set<string>();
  let textId: string | null = null;
  let text = "";
  let textEnded = false;
  for (const chunk of chunks) {
    if (endingTypes.has(chunk.type)) return null;
    if (openingTypes.has(chunk.type)) openings.add(chunk.type);
    if (chunk.type === "text-start") {
      if (textId !== null) return null;
      textId = chunk.id;
    } else if (chunk.type === "text-delta" && chunk.id === textId) {
      text += chunk.delta;
    } else if (chunk.type === "text-end" && chunk.id === textId) {
      textEnded = true;
    }
  }
  return { openings, textId, text, textEnded };
}

/**
 * Passes on the chunks of an answer written again (or continued) after a restart, minus what its readers were already
 * sent: the openings they had, and the text up to where they are. The text must repeat exactly what was sent, which
 * it does for a deterministic model given the same prompt, and for a continuation that opens with the sent text;
 * otherwise the stream fails with {@link ContinuationMismatch} rather than send readers two different answers.
 */
export function skipSentChunks(sent: SentAnswer): TransformStream<UIMessageChunk, UIMessageChunk> {
  const openingsLeft = new Set(sent.openings);
  let textToSkip = sent.text;
  // The id the text part has in this stream; its chunks are renamed to the id the readers know.
  let incomingTextId: string | null = null;
  const knownId = (id: string) => (id === incomingTextId && sent.textId !== null ? sent.textId : id);

  return new TransformStream<UIMessageChunk, UIMessageChunk>({
    transform(chunk, controller) {
      if (openingsLeft.has(chunk.type)) {
        openingsLeft.delete(chunk.type);
        return;
      }
      if (chunk.type === "text-start") {
        if (incomingTextId === null) {
          incomingTextId = chunk.id;
          if (sent.textId !== null) return;
        }
        controller.enqueue(chunk);
      } else if (chunk.type === "text-delta" && chunk.id === incomingTextId) {
        const repeated = Math.min(textToSkip.length, chunk.delta.length);
        if (chunk.delta.slice(0, repeated) !== textToSkip.slice(0, repeated)) {
          throw new ContinuationMismatch("The answer written again differs from the text already sent");
        }
        textToSkip = textToSkip.slice(repeated);
        const rest = chunk.delta.slice(repeated);
        if (rest.length > 0) controller.enqueue({ ...chunk, id: knownId(chunk.id), delta: rest });
      } else if (chunk.type === "text-end" && chunk.id === incomingTextId) {
        if (textToSkip.length > 0) {
          throw new ContinuationMismatch("The answer written again is shorter than the text already sent");
        }
        if (!sent.textEnded) controller.enqueue({ ...chunk, id: knownId(chunk.id) });
      } else {
        controller.enqueue(chunk);
      }
    },
  });
}
