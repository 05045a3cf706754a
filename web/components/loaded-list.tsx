import type { ReactNode } from "react";
import { ErrorMessage } from "./error-message";

/**
 * A list read from the API, in each of its states: why it could not be read, loading, empty, or its rows
 * (`children`). A list loaded before a failed reload stays shown under the error.
 */
export function LoadedList<Item>({
  items,
  error,
  failure,
  loading,
  reloading = false,
  empty,
  children,
}: {
  /** Undefined or null until the first load answers. */
  items: readonly Item[] | null | undefined;
  error: string | null;
  /** What could not be done, e.g. "Could not list the API keys". */
  failure: string;
  /** What is loading, e.g. "Loading API keys…". */
  loading: string;
  /** True while loaded items are being replaced (e.g. with another filter's): says \`loading\` above them. */
  reloading?: boolean;
  empty: ReactNode;
  children: (items: readonly Item[]) => ReactNode;
}) {
  return (
    <>
      {error ? <ErrorMessage message={`${failure}: ${error}`} /> : null}
      {(items == null && !error) || reloading ? (
        <p className="hint" role="status">
          {loading}
        </p>
      ) : null}
      {items == null ? null : items.length === 0 ? (
        <p className="hint" data-testid="list-empty">
          {empty}
        </p>
      ) : (
        children(items)
      )}
    </>
  );
}
