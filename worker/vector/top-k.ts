/** A scored row of the matrix, as the top-K keeps it. */
export interface Candidate {
  score: number;
  id: string;
  slot: number;
}

/** Keeps the k best candidates in a min-heap whose root is the worst kept, so each offer costs O(log k). */
export class TopK {
  #heap: Candidate[] = [];

  constructor(readonly k: number) {}

  offer(score: number, id: string, slot: number): void {
    const heap = this.#heap;
    if (heap.length < this.k) {
      heap.push({ score, id, slot });
      this.#siftUp(heap.length - 1);
      return;
    }
    const worst = heap[0];
    if (worst === undefined || !isBetter({ score, id, slot }, worst)) return;
    heap[0] = { score, id, slot };
    this.#siftDown(0);
  }

  /** The kept candidates, best first: highest score, ties broken by id. */
  sorted(): Candidate[] {
    return [...this.#heap].sort((a, b) => (isBetter(a, b) ? -1 : isBetter(b, a) ? 1 : 0));
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      const childItem = heap[child];
      const parentItem = heap[parent];
      if (childItem === undefined || parentItem === undefined || !isBetter(parentItem, childItem)) return;
      heap[child] = parentItem;
      heap[parent] = childItem;
      child = parent;
    }
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    let parent = index;
    for (;;) {
      let worst = parent;
      for (const child of [2 * parent + 1, 2 * parent + 2]) {
        const childItem = heap[child];
        const worstItem = heap[worst];
        if (childItem !== undefined && worstItem !== undefined && isBetter(worstItem, childItem)) worst = child;
      }
      if (worst === parent) return;
      const parentItem = heap[parent];
      const worstItem = heap[worst];
      if (parentItem === undefined || worstItem === undefined) return;
      heap[parent] = worstItem;
      heap[worst] = parentItem;
      parent = worst;
    }
  }
}

function isBetter(a: Candidate, b: Candidate): boolean {
  return a.score > b.score || (a.score === b.score && a.id < b.id);
}
