import { useCallback, useState } from "react";
import { type ChatScope, readScope, removeScope } from "../lib/chat-scope";

/**
 * The scope of a conversation (null: the whole library) and removing it, for this and later questions. Read once:
 * mount the component again (a `key`) for another conversation.
 */
export function useChatScope(conversationId: string): { scope: ChatScope | null; clearScope: () => void } {
  const [scope, setScope] = useState(() => readScope(conversationId));
  const clearScope = useCallback(() => {
    removeScope(conversationId);
    setScope(null);
  }, [conversationId]);
  return { scope, clearScope };
}
