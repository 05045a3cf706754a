import { useCallback, useState } from "react";
import { describeError } from "../../client/api-error";
import type { DocumentChunksPage } from "../../worker/contract";
import { getDocumentText } from "../lib/api";
import { useApiData } from "./use-api-data";

/** The text of a document read so far, and the ways to read more of it. */
export interface DocumentText {
  /** The first page read (the one holding `chunkId` when given) with the pages read before and after it. */
  page: DocumentChunksPage | undefined;
  error: string | null;
  loading: boolean;
  /** Reads the page before the text shown (when `page.previous` is set) or after it (`page.next`). */
  readMore: (direction: "earlier" | "later") => void;
}

/** Reads a document's text a page at a time, starting at the passage `chunkId` when given. */
export function useDocumentText(documentId: string, chunkId: string | null): DocumentText {
  const first = useApiData(JSON.stringify([documentId, chunkId]), (_, signal) =>
    getDocumentText(documentId, chunkId === null ? {} : { chunk: chunkId }, signal),
  );
  const [moreError, setMoreError] = useState<string | null>(null);
  const [readingMore, setReadingMore] = useState(false);
  const { data, update } = first;

  const readMore = useCallback(
    (direction: "earlier" | "later") => {
      const cursor = direction === "earlier" ? data?.previous : data?.next;
      if (cursor === null || cursor === undefined) return;
      setReadingMore(true);
      getDocumentText(documentId, direction === "earlier" ? { before: cursor } : { from: cursor }).then(
        (more) => {
          setMoreError(null);
          setReadingMore(false);
          update((shown) =>
            direction === "earlier"
              ? { ...shown, chunks: [...more.chunks, ...shown.chunks], previous: more.previous }
              : { ...shown, chunks: [...shown.chunks, ...more.chunks], next: more.next },
          );
        },
        (error: unknown) => {
          setMoreError(describeError(error));
          setReadingMore(false);
        },
      );
    },
    [data, documentId, update],
  );

  return { page: data, error: first.error ?? moreError, loading: first.loading || readingMore, readMore };
}
