import { type RefObject, useEffect, useState } from "react";

/** Which conversation takes the focus after `deletedId` goes: the one listed after it, else the one before, else none. */
export function neighbourOf(ids: readonly string[], deletedId: string): string | null {
  const position = ids.indexOf(deletedId);
  if (position === -1) return null;
  return ids[position + 1] ?? ids[position - 1] ?? null;
}

/**
 * Keyboard focus after a conversation is deleted, instead of falling back to the page: on the link of the
 * conversation named by `focusAfterDelete` once the list has re-rendered without the deleted one (in `listRef`), or
 * on `fallbackRef` (the New conversation button) when none is left.
 */
export function useFocusAfterDelete(
  listRef: RefObject<HTMLElement | null>,
  fallbackRef: RefObject<HTMLElement | null>,
): (nextId: string | null) => void {
  const [target, setTarget] = useState<{ nextId: string | null } | null>(null);

  useEffect(() => {
    if (target === null) return;
    setTarget(null);
    const link =
      target.nextId === null
        ? null
        : listRef.current?.querySelector<HTMLElement>(
            `[data-conversation-id="${CSS.escape(target.nextId)}"] .conversation-link`,
          );
    (link ?? fallbackRef.current)?.focus();
  }, [target, listRef, fallbackRef]);

  return (nextId) => setTarget({ nextId });
}
