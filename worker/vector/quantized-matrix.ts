import type { QuantizedVector } from "./int8-quantization";
import { MetadataPool } from "./metadata-pool";
import { TopK } from "./top-k";
import type { MetadataPredicate } from "./vector-filter";
import type { VectorMetadata } from "./vector-index";
import { toMetadata } from "./vector-record-validation";

/** A vector the matrix proposes for a query: its id, its approximate cosine similarity and its metadata. */
export interface Candidate {
  id: string;
  approximateScore: number;
  metadata: VectorMetadata | undefined;
}

/**
 * Rows are allocated a block at a time (768 KB at 768 dimensions), so growing never copies the matrix nor holds two
 * copies of it at once, as doubling one array would.
 */
const rowsPerBlock = 1024;

/**
 * A block of rows: their int8 codes by component (component `c` of the row at `position` is at
 * `c × rowsPerBlock + position`), each row's step, and the number of each row's metadata.
 */
interface Block {
  codes: Int8Array;
  steps: Float32Array;
  metadata: Int32Array;
}

/**
 * Every vector of an index in memory as int8 codes of its unit vector with one float step per row (in blocks of 1,024
 * rows, each stored by component), its id, and the number of its metadata in a shared {@link MetadataPool}: about
 * `dimensions + 8` bytes a vector plus its id, a quarter of float32. A query reads only the query's non-zero
 * components (a hashing embedder's query has about a tenth of them), each one a run of 1,024 consecutive codes per
 * block, so a scan reads memory in order and only the tenth of it it needs; it keeps the best approximate cosine
 * similarities in a heap, and the caller rescores those with the stored floats. Deleting moves the last row into
 * the freed one.
 */
export class QuantizedMatrix {
  dimensions: number | null = null;
  #ids: string[] = [];
  #rows = new Map<string, number>();
  #blocks: Block[] = [];
  #metadata = new MetadataPool();

  get size(): number {
    return this.#ids.length;
  }

  has(id: string): boolean {
    return this.#rows.has(id);
  }

  /** Adds or replaces a vector; `metadataJson` is its metadata as stored (JSON, or null for none). */
  set(id: string, { codes, step }: QuantizedVector, metadataJson: string | null): void {
    if (this.dimensions === null) this.dimensions = codes.length;
    const metadata = this.#metadata.acquire(metadataJson, () =>
      metadataJson === null ? undefined : toMetadata(JSON.parse(metadataJson), id),
    );
    let row = this.#rows.get(id);
    if (row === undefined) {
      row = this.#ids.length;
      if (row === this.#blocks.length * rowsPerBlock) this.#blocks.push(newBlock(this.dimensions));
      this.#ids.push(id);
      this.#rows.set(id, row);
    } else {
      this.#metadata.release(this.#blockOf(row).metadata[row % rowsPerBlock] ?? 0);
    }
    const block = this.#blockOf(row);
    const position = row % rowsPerBlock;
    for (let component = 0; component < codes.length; component += 1) {
      block.codes[component * rowsPerBlock + position] = codes[component] ?? 0;
    }
    block.steps[position] = step;
    block.metadata[position] = metadata;
  }

  delete(id: string): boolean {
    const row = this.#rows.get(id);
    if (row === undefined || this.dimensions === null) return false;
    const block = this.#blockOf(row);
    const position = row % rowsPerBlock;
    this.#metadata.release(block.metadata[position] ?? 0);
    const last = this.#ids.length - 1;
    const lastId = this.#ids[last];
    if (row !== last && lastId !== undefined) {
      const lastBlock = this.#blockOf(last);
      const lastPosition = last % rowsPerBlock;
      for (let component = 0; component < this.dimensions; component += 1) {
        block.codes[component * rowsPerBlock + position] =
          lastBlock.codes[component * rowsPerBlock + lastPosition] ?? 0;
      }
      block.steps[position] = lastBlock.steps[lastPosition] ?? 0;
      block.metadata[position] = lastBlock.metadata[lastPosition] ?? 0;
      this.#ids[row] = lastId;
      this.#rows.set(lastId, row);
    }
    this.#ids.pop();
    this.#rows.delete(id);
    // One spare block at most is kept, so an index that shrank gives its memory back.
    while ((this.#blocks.length - 1) * rowsPerBlock > this.#ids.length) this.#blocks.pop();
    // An empty index forgets its dimension, so a local setup can switch embedding models without a reset.
    if (this.#ids.length === 0) {
      this.dimensions = null;
      this.#blocks = [];
    }
    return true;
  }

  /**
   * The `count` vectors `accepts` lets through with the highest approximate cosine similarity to `query` (0 when
   * either is all zeros), best first, ties by id.
   */
  candidates(query: Float32Array, count: number, accepts: MetadataPredicate): Candidate[] {
    if (this.dimensions === null) return [];
    const { indices, weights } = sparseUnitVector(query);
    const accepted = this.#metadata.acceptance(accepts);
    const best = new TopK(count, (row) => this.#ids[row] ?? "");
    const nonZero = indices.length;
    // The dot products of a block's rows with the query, summed four components at a time (a quarter of the reads and
    // writes of the sums; the query is padded with components of weight 0 to a multiple of four).
    const dots = new Float64Array(rowsPerBlock);
    for (let blockIndex = 0; blockIndex < this.#blocks.length; blockIndex += 1) {
      const block = this.#blocks[blockIndex];
      if (block === undefined) break;
      const { codes, steps, metadata } = block;
      const firstRow = blockIndex * rowsPerBlock;
      const rows = Math.min(rowsPerBlock, this.#ids.length - firstRow);
      dots.fill(0);
      for (let component = 0; component < nonZero; component += 4) {
        const w0 = weights[component] ?? 0;
        const w1 = weights[component + 1] ?? 0;
        const w2 = weights[component + 2] ?? 0;
        const w3 = weights[component + 3] ?? 0;
        const s0 = (indices[component] ?? 0) * rowsPerBlock;
        const s1 = (indices[component + 1] ?? 0) * rowsPerBlock;
        const s2 = (indices[component + 2] ?? 0) * rowsPerBlock;
        const s3 = (indices[component + 3] ?? 0) * rowsPerBlock;
        for (let position = 0; position < rows; position += 1) {
          dots[position] =
            (dots[position] ?? 0) +
            w0 * (codes[s0 + position] ?? 0) +
            w1 * (codes[s1 + position] ?? 0) +
            w2 * (codes[s2 + position] ?? 0) +
            w3 * (codes[s3 + position] ?? 0);
        }
      }
      for (let position = 0; position < rows; position += 1) {
        if (accepted[metadata[position] ?? 0] === 1)
          best.offer((dots[position] ?? 0) * (steps[position] ?? 0), firstRow + position);
      }
    }
    return best.sorted().map(({ score, entry }) => {
      const block = this.#blockOf(entry);
      return {
        id: this.#ids[entry] ?? "",
        approximateScore: score,
        metadata: this.#metadata.get(block.metadata[entry % rowsPerBlock] ?? 0),
      };
    });
  }

  #blockOf(row: number): Block {
    const block = this.#blocks[Math.floor(row / rowsPerBlock)];
    if (block === undefined) throw new Error(`row ${row} is outside the matrix`);
    return block;
  }
}

function newBlock(dimensions: number): Block {
  return {
    codes: new Int8Array(rowsPerBlock * dimensions),
    steps: new Float32Array(rowsPerBlock),
    metadata: new Int32Array(rowsPerBlock),
  };
}

/**
 * The positions and values of the non-zero components of `vector` scaled to unit length (none for a zero vector),
 * followed by components of weight 0 up to a multiple of four.
 */
function sparseUnitVector(vector: Float32Array): { indices: Int32Array; weights: Float64Array } {
  let nonZero = 0;
  for (const value of vector) if (value !== 0) nonZero += 1;
  const norm = Math.hypot(...vector);
  const indices = new Int32Array(norm > 0 ? Math.ceil(nonZero / 4) * 4 : 0);
  const weights = new Float64Array(indices.length);
  let next = 0;
  for (let index = 0; index < vector.length && next < nonZero; index += 1) {
    const value = vector[index] ?? 0;
    if (value === 0) continue;
    indices[next] = index;
    weights[next] = value / norm;
    next += 1;
  }
  return { indices, weights };
}
