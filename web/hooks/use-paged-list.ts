import { useCallback, useState } from "react";
import { describeError } from "../../client/api-error";
import type { Page } from "../lib/api";
import { useApiData } from "./use-api-data";

/**
 * A list read a page at a time, newest first: the first page loads like any `useApiData` load (again whenever `key`
 * changes, e.g. with the filters); `loadMore` appends the page after the last one loaded.
 */
export function usePagedList<Item, Cursor = number>(
  key: string,
  loadPage: (cursor: Cursor | null, signal?: AbortSignal) => Promise<Page<Item, Cursor>>,
) {
  const first = useApiData(key, (_, signal) => loadPage(null, signal));
  const { data, update } = first;
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const cursor = data?.nextCursor ?? null;

  const loadMore = useCallback(async () => {
    if (cursor === null) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await loadPage(cursor);
      update((current) =>
        current.nextCursor === cursor
          ? { items: [...current.items, ...next.items], nextCursor: next.nextCursor }
          : current,
      );
    } catch (reason) {
      setMoreError(describeError(reason));
    } finally {
      setLoadingMore(false);
    }
  }, [cursor, loadPage, update]);

  const updateItems = useCallback(
    (change: (items: Item[]) => Item[]) => update((current) => ({ ...current, items: change(current.items) })),
    [update],
  );

  return {
    items: data?.items ?? null,
    /** Changes the loaded items in place (e.g. with what an action answered), until the next load. */
    updateItems,
    hasMore: cursor !== null,
    error: first.error ?? moreError,
    loading: first.loading,
    loadingMore,
    loadMore,
    reload: first.reload,
  };
}
