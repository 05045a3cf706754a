import { conversationIdSchema } from "../../worker/contract";

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
const lastConversationKey = "edge-rag-chat.conversation";

/** A new conversation id: `c-` and 20 random lower-case letters and digits (the API allows [A-Za-z0-9_-]{1,64}). */
export function createConversationId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let id = "c-";
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

export function isConversationId(value: string): boolean {
  return conversationIdSchema.safeParse(value).success;
}

export function readLastConversationId(): string | null {
  try {
    const stored = window.localStorage.getItem(lastConversationKey);
    return stored && isConversationId(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function rememberConversationId(id: string): void {
  try {
    window.localStorage.setItem(lastConversationKey, id);
  } catch {
    // Without storage the id still lives in the URL hash.
  }
}
