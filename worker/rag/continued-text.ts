import type { InferUIMessageChunk } from "ai";
import type { ChatMessage } from "../contract";

type AnswerChunk = InferUIMessageChunk<ChatMessage>;

/** The instruction that follows the cut-off answer in the prompt of a continuation. */
export const continueInstruction =
  "Your answer above was cut off. Continue it from exactly where it stops: do not repeat any of it, do not start " +
  "over, and keep citing the sources the same way.";

/**
 * The UI chunks of a model asked to continue `prefix`, turned into one answer: a text part that opens with `prefix`,
 * followed by what the model adds. A model that starts over instead of continuing, and writes `prefix` again, has
 * the repetition dropped.
 */
export function continuedText(prefix: string): TransformStream<AnswerChunk, AnswerChunk> {
  const id = "continued";
  let opened = false;
  // The id of the model's text part, which this stream's own text part stands in for.
  let modelTextId: string | null = null;
  // While the model's text could still be `prefix` written again, it is held back.
  let held = "";
  let guarding = true;

  const open = (controller: TransformStreamDefaultController<AnswerChunk>) => {
    if (opened) return;
    opened = true;
    controller.enqueue({ type: "text-start", id });
    controller.enqueue({ type: "text-delta", id, delta: prefix });
  };
  const release = (controller: TransformStreamDefaultController<AnswerChunk>, text: string) => {
    if (text.length > 0) controller.enqueue({ type: "text-delta", id, delta: text });
  };

  return new TransformStream<AnswerChunk, AnswerChunk>({
    transform(chunk, controller) {
      // The step opens before the text, as in an answer that was never cut off.
      if (chunk.type === "start-step") {
        controller.enqueue(chunk);
        return;
      }
      if (chunk.type === "text-start" && modelTextId === null) {
        modelTextId = chunk.id;
        open(controller);
        return;
      }
      open(controller);
      if (chunk.type === "text-delta" && chunk.id === modelTextId) {
        if (!guarding) return release(controller, chunk.delta);
        held += chunk.delta;
        if (held.startsWith(prefix)) {
          guarding = false;
          release(controller, held.slice(prefix.length));
        } else if (!prefix.startsWith(held)) {
          guarding = false;
          release(controller, held);
        }
        return;
      }
      if (chunk.type === "text-end" && chunk.id === modelTextId) {
        if (guarding) release(controller, held);
        guarding = false;
        controller.enqueue({ type: "text-end", id });
        return;
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      open(controller);
      if (guarding) release(controller, held);
    },
  });
}
