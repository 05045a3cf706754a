import { TopK } from "./top-k";
import type { MetadataPredicate } from "./vector-filter";
import type { VectorMetadata } from "./vector-index";

/** A search result of the matrix: a vector's id, its cosine similarity to the query and its metadata. */
export interface ScoredVector {
  id: string;
  score: number;
  metadata: VectorMetadata | undefined;
}

/**
 * All vectors of an index in one flat Float32Array (row-major, one row per slot) with precomputed norms, so a
 * query is one tight loop over contiguous memory. Deleting moves the last row into the freed slot.
 */
export class VectorMatrix {
  dimensions: number | null = null;
  #ids: string[] = [];
  #slots = new Map<string, number>();
  #metadata: Array<VectorMetadata | undefined> = [];
  #values = new Float32Array(0);
  #norms = new Float32Array(0);

  get size(): number {
    return this.#ids.length;
  }

  has(id: string): boolean {
    return this.#slots.has(id);
  }

  get(id: string): { values: Float32Array; metadata: VectorMetadata | undefined } | undefined {
    const slot = this.#slots.get(id);
    if (slot === undefined || this.dimensions === null) return undefined;
    const start = slot * this.dimensions;
    return { values: this.#values.slice(start, start + this.dimensions), metadata: this.#metadata[slot] };
  }

  set(id: string, values: Float32Array, metadata: VectorMetadata | undefined): void {
    if (this.dimensions === null) this.dimensions = values.length;
    const dimensions = this.dimensions;
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      this.#ensureCapacity(slot + 1);
      this.#ids.push(id);
      this.#slots.set(id, slot);
    }
    this.#values.set(values, slot * dimensions);
    this.#norms[slot] = Math.hypot(...values);
    this.#metadata[slot] = metadata;
  }

  delete(id: string): boolean {
    const slot = this.#slots.get(id);
    if (slot === undefined || this.dimensions === null) return false;
    const last = this.#ids.length - 1;
    const lastId = this.#ids[last];
    if (slot !== last && lastId !== undefined) {
      const dimensions = this.dimensions;
      this.#values.copyWithin(slot * dimensions, last * dimensions, (last + 1) * dimensions);
      this.#norms[slot] = this.#norms[last] ?? 0;
      this.#metadata[slot] = this.#metadata[last];
      this.#ids[slot] = lastId;
      this.#slots.set(lastId, slot);
    }
    this.#ids.pop();
    this.#metadata.pop();
    this.#slots.delete(id);
    // An empty index forgets its dimension, so a local setup can switch embedding models without a reset.
    if (this.#ids.length === 0) {
      this.dimensions = null;
      this.#values = new Float32Array(0);
      this.#norms = new Float32Array(0);
    }
    return true;
  }

  /** The `topK` vectors `accepts` lets through, by cosine similarity (0 when either is all zeros), best first, ties by id. */
  search(query: Float32Array, topK: number, accepts: MetadataPredicate): ScoredVector[] {
    const dimensions = this.dimensions;
    if (dimensions === null) return [];
    const queryNorm = Math.hypot(...query);
    const best = new TopK(topK);
    const values = this.#values;
    for (let slot = 0; slot < this.#ids.length; slot += 1) {
      if (!accepts(this.#metadata[slot])) continue;
      const norm = this.#norms[slot] ?? 0;
      let score = 0;
      if (norm > 0 && queryNorm > 0) {
        let dot = 0;
        const offset = slot * dimensions;
        for (let index = 0; index < dimensions; index += 1) dot += (values[offset + index] ?? 0) * (query[index] ?? 0);
        score = dot / (norm * queryNorm);
      }
      best.offer(score, this.#ids[slot] ?? "", slot);
    }
    return best.sorted().map(({ score, id, slot }) => ({ id, score, metadata: this.#metadata[slot] }));
  }

  #ensureCapacity(rows: number): void {
    const dimensions = this.dimensions ?? 0;
    if (rows <= this.#norms.length) return;
    const capacity = Math.max(rows, this.#norms.length * 2, 64);
    const values = new Float32Array(capacity * dimensions);
    values.set(this.#values);
    const norms = new Float32Array(capacity);
    norms.set(this.#norms);
    this.#values = values;
    this.#norms = norms;
  }
}
