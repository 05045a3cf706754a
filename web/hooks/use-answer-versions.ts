import { useCallback, useState } from "react";
import type { ChatMessage } from "../../worker/contract";

/** The versions of one answer, oldest first, and which one is shown. */
export interface ShownVersion {
  versions: ChatMessage[];
  index: number;
}

/**
 * The earlier answers of regenerated questions, and which version of each answer the user is looking at (the newest
 * unless they chose another).
 */
export function useAnswerVersions(initial: Map<string, ChatMessage[]>) {
  const [earlier, setEarlier] = useState(initial);
  const [chosen, setChosen] = useState<ReadonlyMap<string, number>>(new Map());

  const forget = useCallback((questionId: string) => {
    setChosen((current) => {
      const next = new Map(current);
      next.delete(questionId);
      return next;
    });
  }, []);

  /** Keeps `answer` as an earlier version of the answer to `questionId`; the new answer will be shown. */
  const keep = useCallback(
    (questionId: string, answer: ChatMessage) => {
      setEarlier((current) => new Map(current).set(questionId, [...(current.get(questionId) ?? []), answer]));
      forget(questionId);
    },
    [forget],
  );

  /** Takes back the answer `keep` last kept for `questionId`: it is the latest again (its replacement never came). */
  const unkeep = useCallback((questionId: string) => {
    setEarlier((current) => {
      const next = new Map(current);
      const kept = current.get(questionId)?.slice(0, -1) ?? [];
      if (kept.length > 0) next.set(questionId, kept);
      else next.delete(questionId);
      return next;
    });
  }, []);

  /** Adds the earlier answers of an older page, which come before any already known. */
  const addOlder = useCallback((older: Map<string, ChatMessage[]>) => {
    setEarlier((current) => {
      const next = new Map(current);
      for (const [questionId, answers] of older) next.set(questionId, [...answers, ...(current.get(questionId) ?? [])]);
      return next;
    });
  }, []);

  /** Forgets every version of the answer to `questionId` (its question was edited). */
  const drop = useCallback(
    (questionId: string) => {
      setEarlier((current) => {
        const next = new Map(current);
        next.delete(questionId);
        return next;
      });
      forget(questionId);
    },
    [forget],
  );

  const choose = useCallback((questionId: string, index: number) => {
    setChosen((current) => new Map(current).set(questionId, index));
  }, []);

  /** The versions of `current`, the answer to `questionId`, and the one to show. */
  const shown = (questionId: string, current: ChatMessage): ShownVersion => {
    const versions = [...(earlier.get(questionId) ?? []), current];
    const index = Math.min(chosen.get(questionId) ?? versions.length - 1, versions.length - 1);
    return { versions, index };
  };

  return { keep, unkeep, addOlder, drop, choose, shown };
}
