/** "Load more" under a paged table, while the server says there is more. */
export function LoadMore({
  hasMore,
  loading,
  onLoadMore,
  testId,
}: {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
  testId: string;
}) {
  if (!hasMore) return null;
  return (
    <button
      type="button"
      className="button-secondary load-more"
      data-testid={testId}
      disabled={loading}
      onClick={onLoadMore}
    >
      {loading ? "Loading…" : "Load more"}
    </button>
  );
}
