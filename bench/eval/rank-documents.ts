/** One search hit, as `POST /api/search` returns it, reduced to what document ranking needs. */
export interface ChunkHit {
  externalId: string | null;
  score: number;
}

/**
 * Turns ranked chunks into ranked documents (by external id): each document scores its best chunk, and
 * documents keep the order of their best chunk, so a ranking of chunks becomes the ranking of documents a
 * benchmark judges. Chunks without an external id cannot be judged and are skipped.
 */
export function rankDocuments(hits: readonly ChunkHit[]): string[] {
  const best = new Map<string, { score: number; position: number }>();
  hits.forEach((hit, position) => {
    if (hit.externalId === null) return;
    const current = best.get(hit.externalId);
    if (current === undefined || hit.score > current.score) {
      best.set(hit.externalId, { score: hit.score, position: current?.position ?? position });
    }
  });
  return [...best].sort(([, a], [, b]) => b.score - a.score || a.position - b.position).map(([id]) => id);
}
