/** One id's fused score. */
export interface FusedResult {
  id: string;
  score: number;
}

/** Options for `fuseByReciprocalRank`. */
export interface ReciprocalRankFusionOptions {
  /** Damps the advantage of top ranks; 60 is the value from the original paper (Cormack et al., 2009). */
  k?: number;
  /** One weight per ranking, default 1 each. */
  weights?: number[];
}

const defaultK = 60;

/**
 * Fuses several rankings (ids, best first) into one: score(id) = Σ weightᵢ / (k + rankᵢ), ranks starting at 1,
 * summed over the rankings that contain the id. Sorted by score, highest first; ties go to the id with the
 * better best rank, then to the smaller id, so the order never depends on input iteration quirks.
 * An id repeated within one ranking counts once, at its best rank.
 */
export function fuseByReciprocalRank(rankings: string[][], options: ReciprocalRankFusionOptions = {}): FusedResult[] {
  const k = options.k ?? defaultK;
  const weights = options.weights ?? rankings.map(() => 1);
  if (!Number.isFinite(k) || k < 0) throw new RangeError(`k must be a finite number ≥ 0, got ${k}`);
  if (weights.length !== rankings.length) {
    throw new RangeError(`Expected ${rankings.length} weights (one per ranking), got ${weights.length}`);
  }

  const fused = new Map<string, { score: number; bestRank: number }>();
  rankings.forEach((ranking, rankingIndex) => {
    const weight = weights[rankingIndex] ?? 1;
    const seen = new Set<string>();
    ranking.forEach((id, index) => {
      if (seen.has(id)) return;
      seen.add(id);
      const rank = index + 1;
      const entry = fused.get(id) ?? { score: 0, bestRank: rank };
      entry.score += weight / (k + rank);
      entry.bestRank = Math.min(entry.bestRank, rank);
      fused.set(id, entry);
    });
  });

  return [...fused]
    .sort(([idA, a], [idB, b]) => b.score - a.score || a.bestRank - b.bestRank || compareIds(idA, idB))
    .map(([id, { score }]) => ({ id, score }));
}

// Code-unit order, not locale order, so results are the same on every runtime.
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
