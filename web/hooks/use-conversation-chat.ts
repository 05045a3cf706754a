import { useChat } from "@ai-sdk/react";
import { type ChatTransport, DefaultChatTransport } from "ai";
import { useCallback, useRef, useState } from "react";
import type { ChatMessage, RetrievalFilter } from "../../worker/contract";
import { fetchWithAuthRecovery, stopAnswer } from "../lib/api";
import { authorizationHeaders } from "../lib/token-store";

type ReconnectOptions = Parameters<ChatTransport<ChatMessage>["reconnectToStream"]>[0];

// The chat transport of this app: sends only the new message (the server keeps the conversation), and resumes from
// `GET /api/chat/:id/stream`, telling the page when the server had no answer to resume.
class ConversationTransport extends DefaultChatTransport<ChatMessage> {
  constructor(
    private readonly onNothingToResume: () => void,
    filter: () => RetrievalFilter | undefined,
  ) {
    super({
      api: "/api/chat",
      headers: () => authorizationHeaders(),
      fetch: fetchWithAuthRecovery,
      // A regenerated answer is sent as its question again, with the trigger that keeps the earlier answer.
      prepareSendMessagesRequest: ({ id, messages, trigger }) => ({
        body: { id, message: messages.at(-1), filter: filter(), trigger },
      }),
    });
  }

  override async reconnectToStream(options: ReconnectOptions) {
    const stream = await super.reconnectToStream(options);
    if (stream === null) this.onNothingToResume();
    return stream;
  }
}

export interface ConversationChatOptions {
  /** Called when an answer ends, however it ended (complete, stopped, failed). */
  onAnswerEnd?: () => void;
  /** Called when a resume finds no answer on the server, e.g. because it finished just before. */
  onNothingToResume?: () => void;
  /** What questions are answered from (a document, a collection); the whole library when absent. */
  filter?: RetrievalFilter | undefined;
}

/**
 * The chat of one conversation, on the AI SDK's `useChat`, started from its stored messages. The server writes each
 * answer whatever the page does: on load the page resumes an answer in progress (`resume: true`), and Stop stops the
 * answer on the server, which then ends the stream itself with the text written so far.
 */
export function useConversationChat(
  conversationId: string,
  initialMessages: ChatMessage[],
  options: ConversationChatOptions = {},
) {
  const latestOptions = useRef(options);
  latestOptions.current = options;
  const [transport] = useState(
    () =>
      new ConversationTransport(
        () => latestOptions.current.onNothingToResume?.(),
        () => latestOptions.current.filter,
      ),
  );
  const chat = useChat<ChatMessage>({
    id: conversationId,
    messages: initialMessages,
    transport,
    resume: true,
    onFinish: () => latestOptions.current.onAnswerEnd?.(),
  });
  const busy = chat.status === "submitted" || chat.status === "streaming";
  const { stop: stopListening } = chat;

  const stop = useCallback(async () => {
    const stopped = await stopAnswer(conversationId).catch(() => false);
    // Nothing to stop on the server (or it cannot be reached): at least stop waiting for it here.
    if (!stopped) await stopListening();
  }, [conversationId, stopListening]);

  return { ...chat, busy, stop };
}
