import { useCallback } from "react";
import { deleteConversation, listConversations, renameConversation } from "../lib/api";
import { useApiData } from "./use-api-data";

/** The user's conversations, with rename and delete; `reload` lists them again (e.g. after an answer). */
export function useConversationList() {
  const { data, error, reload, update } = useApiData("conversations", (_, signal) => listConversations(signal));

  const rename = useCallback(
    async (id: string, title: string) => {
      const renamed = await renameConversation(id, title);
      update((current) => current.map((conversation) => (conversation.id === id ? renamed : conversation)));
    },
    [update],
  );

  const remove = useCallback(
    async (id: string) => {
      await deleteConversation(id);
      update((current) => current.filter((conversation) => conversation.id !== id));
    },
    [update],
  );

  return { conversations: data, error, reload, rename, remove };
}
