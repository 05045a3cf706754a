import { z } from "zod";
import { retrievalFilterSchema } from "../../worker/contract";
import { chatHref } from "../hooks/use-hash-route";
import { createConversationId } from "./conversation-id";

const chatScopeSchema = z.object({
  /** What the chat is about, as the chip names it: a document's title or a collection's name. */
  label: z.string(),
  kind: z.enum(["document", "collection"]),
  filter: retrievalFilterSchema,
});

/** What a conversation's questions are restricted to: every question sends `filter` with it. */
export type ChatScope = z.infer<typeof chatScopeSchema>;

const scopeKey = (conversationId: string) => `edge-rag-chat.scope.${conversationId}`;

/** The scope of a document or a collection, for "Ask about this …". */
export function documentScope(document: { id: string; title: string }): ChatScope {
  return { kind: "document", label: document.title, filter: { documentIds: [document.id] } };
}

export function collectionScope(name: string): ChatScope {
  return { kind: "collection", label: name, filter: { collection: name } };
}

/** Starts a new conversation restricted to `scope`: its address (`#/chat/<id>`) for the caller to go to. */
export function startScopedConversation(scope: ChatScope): string {
  const conversationId = createConversationId();
  try {
    window.localStorage.setItem(scopeKey(conversationId), JSON.stringify(scope));
  } catch {
    // Without storage the conversation starts unrestricted, which the missing chip shows.
  }
  return chatHref(conversationId);
}

/** The scope the conversation was started with, unless it was removed since; kept in this browser. */
export function readScope(conversationId: string): ChatScope | null {
  try {
    const stored = window.localStorage.getItem(scopeKey(conversationId));
    if (stored === null) return null;
    const parsed = chatScopeSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function removeScope(conversationId: string): void {
  try {
    window.localStorage.removeItem(scopeKey(conversationId));
  } catch {
    // Nothing stored, nothing to remove.
  }
}
