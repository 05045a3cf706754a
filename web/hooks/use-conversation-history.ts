import { useEffect, useState } from "react";
import type { ChatMessage } from "../../worker/contract";
import { getConversationMessages } from "../lib/api";
import { describeError } from "../lib/api-error";

export type HistoryState =
  | { status: "loading" }
  | { status: "loaded"; messages: ChatMessage[] }
  | { status: "failed"; error: string };

/** The stored messages of a conversation (empty when the server does not know it yet). */
export function useConversationHistory(conversationId: string, attempt: number): HistoryState {
  const [state, setState] = useState<HistoryState>({ status: "loading" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is a retry counter; changing it reloads.
  useEffect(() => {
    let cancelled = false;
    setState({ status: "loading" });
    getConversationMessages(conversationId)
      .then((messages) => {
        if (!cancelled) setState({ status: "loaded", messages });
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
