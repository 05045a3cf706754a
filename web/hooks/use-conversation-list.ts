import { useCallback } from "react";
import { deleteConversation, listConversations, renameConversation } from "../lib/api";
import { usePagedList } from "./use-paged-list";

/**
 * The user's conversations whose title contains `search` (all of them when it is empty), a page at a time, with
 * rename and delete; `reload` lists the first page again (e.g. after an answer), `loadMore` the next one.
 */
export function useConversationList(search: string) {
  const loadPage = useCallback(
    (cursor: string | null, signal?: AbortSignal) => listConversations(search, cursor, signal),
    [search],
  );
  const { items, updateItems, hasMore, error, loading, loadingMore, loadMore, reload } = usePagedList(
    `conversations\n${search}`,
    loadPage,
  );

  const rename = useCallback(
    async (id: string, title: string) => {
      const renamed = await renameConversation(id, title);
      updateItems((current) => current.map((conversation) => (conversation.id === id ? renamed : conversation)));
    },
    [updateItems],
  );

  const remove = useCallback(
    async (id: string) => {
      await deleteConversation(id);
      updateItems((current) => current.filter((conversation) => conversation.id !== id));
    },
    [updateItems],
  );

  return { conversations: items ?? undefined, error, loading, hasMore, loadingMore, loadMore, reload, rename, remove };
}
