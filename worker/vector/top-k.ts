/** A kept entry of a {@link TopK}: its score and the number the caller gave it (a row, a position in a list). */
export interface Ranked {
  score: number;
  entry: number;
}

/**
 * Keeps the k best of a stream of scored entries in a min-heap over typed arrays whose root is the worst kept: an
 * offer that does not beat the root (most of them, in a scan) costs one comparison and allocates nothing. Ties on
 * score go to the smaller id, which `idOf` looks up only when two scores are equal.
 */
export class TopK {
  readonly #scores: Float64Array;
  readonly #entries: Int32Array;
  readonly #idOf: (entry: number) => string;
  #size = 0;

  constructor(
    readonly k: number,
    idOf: (entry: number) => string,
  ) {
    this.#scores = new Float64Array(k);
    this.#entries = new Int32Array(k);
    this.#idOf = idOf;
  }

  offer(score: number, entry: number): void {
    if (this.#size < this.k) {
      this.#scores[this.#size] = score;
      this.#entries[this.#size] = entry;
      this.#size += 1;
      this.#siftUp(this.#size - 1);
      return;
    }
    const worst = this.#scores[0] ?? Number.NEGATIVE_INFINITY;
    if (score < worst || (score === worst && !this.#isBetter(score, entry, 0))) return;
    this.#scores[0] = score;
    this.#entries[0] = entry;
    this.#siftDown(0);
  }

  /** The kept entries, best first: highest score, ties broken by id. */
  sorted(): Ranked[] {
    const kept: Ranked[] = [];
    for (let position = 0; position < this.#size; position += 1) {
      kept.push({ score: this.#scores[position] ?? 0, entry: this.#entries[position] ?? 0 });
    }
    return kept.sort(
      (a, b) => b.score - a.score || compareIds(this.#idOf(a.entry), this.#idOf(b.entry)) || a.entry - b.entry,
    );
  }

  /** Whether (`score`, `entry`) ranks above the kept entry at heap position `position`. */
  #isBetter(score: number, entry: number, position: number): boolean {
    const other = this.#scores[position] ?? 0;
    return score > other || (score === other && this.#idOf(entry) < this.#idOf(this.#entries[position] ?? 0));
  }

  #siftUp(start: number): void {
    let child = start;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      // The root is the worst kept: a parent better than its child swaps with it.
      if (!this.#isBetter(this.#scores[parent] ?? 0, this.#entries[parent] ?? 0, child)) return;
      this.#swap(child, parent);
      child = parent;
    }
  }

  #siftDown(start: number): void {
    let parent = start;
    for (;;) {
      let worst = parent;
      for (let child = 2 * parent + 1; child <= 2 * parent + 2; child += 1) {
        if (child < this.#size && this.#isBetter(this.#scores[worst] ?? 0, this.#entries[worst] ?? 0, child)) {
          worst = child;
        }
      }
      if (worst === parent) return;
      this.#swap(parent, worst);
      parent = worst;
    }
  }

  #swap(a: number, b: number): void {
    const score = this.#scores[a] ?? 0;
    const entry = this.#entries[a] ?? 0;
    this.#scores[a] = this.#scores[b] ?? 0;
    this.#entries[a] = this.#entries[b] ?? 0;
    this.#scores[b] = score;
    this.#entries[b] = entry;
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
