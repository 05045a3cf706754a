import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { useState } from "react";
import type { ChatMessage } from "../../worker/contract";
import { fetchWithAuthRecovery } from "../lib/api";
import { authorizationHeaders } from "../lib/token-store";

function createTransport() {
  return new DefaultChatTransport<ChatMessage>({
    api: "/api/chat",
    headers: () => authorizationHeaders(),
    fetch: fetchWithAuthRecovery,
    // The conversation lives on the server: send only the new user message, not the whole history.
    prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, message: messages.at(-1) } }),
  });
}

/**
 * The chat of one conversation, on the AI SDK's `useChat`, started from its stored messages. `stop` stops
 * this tab listening; the server still finishes and saves the answer, which a reload then shows.
 */
export function useConversationChat(conversationId: string, initialMessages: ChatMessage[]) {
  const [transport] = useState(createTransport);
  const chat = useChat<ChatMessage>({ id: conversationId, messages: initialMessages, transport });
  const busy = chat.status === "submitted" || chat.status === "streaming";
  return { ...chat, busy };
}
