import type { MetadataPredicate } from "./vector-filter";
import type { VectorMetadata } from "./vector-index";

/**
 * The distinct metadata of an index, each held once and numbered: the chunks of a document all carry the same
 * `{documentId, collection}`, so 100,000 vectors share about a tenth as many objects, and a filter is evaluated once
 * per distinct metadata rather than once per vector. Entries are counted and a number whose last vector is gone is
 * reused, so the pool does not grow as documents come and go.
 */
export class MetadataPool {
  #metadata: Array<VectorMetadata | undefined> = [];
  #keys: Array<string | null> = [];
  #references: number[] = [];
  #numbers = new Map<string | null, number>();
  #free: number[] = [];

  /**
   * The number of the metadata whose JSON is `key` (null for none), adding it (built by `read`) if it is new; each
   * call holds one reference until {@link release}.
   */
  acquire(key: string | null, read: () => VectorMetadata | undefined): number {
    const known = this.#numbers.get(key);
    if (known !== undefined) {
      this.#references[known] = (this.#references[known] ?? 0) + 1;
      return known;
    }
    const number = this.#free.pop() ?? this.#metadata.length;
    this.#metadata[number] = read();
    this.#keys[number] = key;
    this.#references[number] = 1;
    this.#numbers.set(key, number);
    return number;
  }

  release(number: number): void {
    const left = (this.#references[number] ?? 0) - 1;
    this.#references[number] = left;
    if (left > 0) return;
    this.#numbers.delete(this.#keys[number] ?? null);
    this.#metadata[number] = undefined;
    this.#keys[number] = null;
    this.#free.push(number);
  }

  get(number: number): VectorMetadata | undefined {
    return this.#metadata[number];
  }

  /** Per metadata number, 1 if `accepts` lets that metadata through; numbers not in use are 0. */
  acceptance(accepts: MetadataPredicate): Uint8Array {
    const accepted = new Uint8Array(this.#metadata.length);
    for (let number = 0; number < accepted.length; number += 1) {
      if ((this.#references[number] ?? 0) > 0 && accepts(this.#metadata[number])) accepted[number] = 1;
    }
    return accepted;
  }
}
