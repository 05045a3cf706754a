import { useCallback, useEffect, useState } from "react";
import type { ConversationSummary } from "../../worker/contract";
import { deleteConversation, listConversations, renameConversation } from "../lib/api";
import { describeError } from "../lib/api-error";

export type ConversationListState =
  | { status: "loading" }
  | { status: "loaded"; conversations: ConversationSummary[] }
  | { status: "failed"; error: string };

/** The user's conversations, with rename and delete; `refresh` reloads them (e.g. after an answer). */
export function useConversationList() {
  const [state, setState] = useState<ConversationListState>({ status: "loading" });
  const [refreshCount, setRefreshCount] = useState(0);
  const refresh = useCallback(() => setRefreshCount((count) => count + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `refreshCount` only triggers the reload.
  useEffect(() => {
    let cancelled = false;
    listConversations()
      .then((conversations) => {
        if (!cancelled) setState({ status: "loaded", conversations });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ status: "failed", error: describeError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [refreshCount]);

  const rename = useCallback(async (id: string, title: string) => {
    const renamed = await renameConversation(id, title);
    setState((current) =>
      current.status === "loaded"
        ? {
            status: "loaded",
            conversations: current.conversations.map((conversation) =>
              conversation.id === id ? renamed : conversation,
            ),
          }
        : current,
    );
  }, []);

  const remove = useCallback(async (id: string) => {
    await deleteConversation(id);
    setState((current) =>
      current.status === "loaded"
        ? { status: "loaded", conversations: current.conversations.filter((conversation) => conversation.id !== id) }
        : current,
    );
  }, []);

  return { state, refresh, rename, remove };
}
