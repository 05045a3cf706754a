import { useEffect, useState } from "react";
import { getConversation, type StoredConversation } from "../lib/api";
import { describeError } from "../lib/api-error";

export type HistoryState =
  | { status: "loading" }
  | { status: "loaded"; conversation: StoredConversation }
  | { status: "failed"; error: string };

/** The stored conversation (empty when the server does not know it yet). */
export function useConversationHistory(conversationId: string, attempt: number): HistoryState {
  const [state, setState] = useState<HistoryState>({ status: "loading" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is a retry counter; changing it reloads.
  useEffect(() => {
    let cancelled = false;
    setState({ status: "loading" });
    getConversation(conversationId)
      .then((conversation) => {
        if (!cancelled) setState({ status: "loaded", conversation });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ status: "failed", error: describeError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [conversationId, attempt]);
  return state;
}
