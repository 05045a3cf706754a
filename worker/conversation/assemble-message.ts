import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import type { ChatMessage } from "../contract";
import { checkMessages } from "./message-store";

/**
 * Rebuilds a message from its stream chunks, the way a client does: used when an answer was cut off and all that is
 * left of it is what the stream buffer holds. The result is checked against the `ChatMessage` schemas.
 */
export async function assembleMessage(chunks: readonly UIMessageChunk[], messageId: string): Promise<ChatMessage> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let message: UIMessage = { id: messageId, role: "assistant", parts: [] };
  // Error chunks are part of what was streamed; they must not end the rebuild early.
  for await (const snapshot of readUIMessageStream({ stream, onError: () => {} })) message = snapshot;
  const [checked] = await checkMessages([{ ...message, id: messageId }]);
  if (!checked) throw new Error("The rebuilt message is missing");
  return checked;
}
