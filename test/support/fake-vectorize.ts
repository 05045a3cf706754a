// A stand-in for the Vectorize binding that follows its documented behaviour, so the production adapter
// (createVectorizeStore) runs offline against the same contract suite as the local index.
import { platformLimits } from "../../worker/lib/platform-limits";
import { compileFilter } from "../../worker/vector/vector-filter";
import type { VectorMetadata } from "../../worker/vector/vector-index";
import { isMetadataValue } from "../../worker/vector/vector-record-validation";

interface StoredVector {
  id: string;
  namespace: string | undefined;
  values: number[];
  metadata: Record<string, VectorizeVectorMetadata> | undefined;
}

/** Options for {@link FakeVectorize}. */
export interface FakeVectorizeOptions {
  dimensions: number;
  /** Properties with a metadata index; Vectorize filters (and returns as "indexed") only these. */
  indexedProperties: string[];
}

const {
  topK: maxTopK,
  topKWithMetadata: maxTopKWithValuesOrAllMetadata,
  writeBatch: maxBatch,
  idBytes: maxIdBytes,
} = platformLimits.vectorize;
const utf8 = new TextEncoder();

/**
 * Vectorize as documented: ids unique across the index (≤ 64 bytes) with one namespace each; upsert
 * overwrites by id; ≤ 1000 vectors per call; topK ≤ 100, or ≤ 20 with values or all metadata; filters
 * ($eq, $ne, $in, $nin) see only indexed properties, so a vector without an indexed value never matches
 * $eq/$in; "indexed" returns only the indexed properties. Writes apply at once (the real one is eventual).
 */
export class FakeVectorize implements VectorizeIndex {
  readonly #vectors = new Map<string, StoredVector>();
  readonly #options: FakeVectorizeOptions;

  constructor(options: FakeVectorizeOptions) {
    this.#options = options;
  }

  async describe(): Promise<VectorizeIndexDetails> {
    return {
      id: "fake-vectorize",
      name: "fake-vectorize",
      config: { dimensions: this.#options.dimensions, metric: "cosine" },
      vectorsCount: this.#vectors.size,
    };
  }

  async query(vector: VectorFloatArray | number[], options: VectorizeQueryOptions = {}): Promise<VectorizeMatches> {
    const topK = options.topK ?? 5;
    const returnMetadata = options.returnMetadata === true ? "all" : options.returnMetadata || "none";
    if (!Number.isInteger(topK) || topK < 1 || topK > maxTopK) {
      throw new Error(`VECTOR_QUERY_ERROR: topK must be between 1 and ${maxTopK}, got ${topK}`);
    }
    if ((options.returnValues === true || returnMetadata === "all") && topK > maxTopKWithValuesOrAllMetadata) {
      throw new Error(
        `VECTOR_QUERY_ERROR: topK must be at most ${maxTopKWithValuesOrAllMetadata} with returnValues or returnMetadata "all"`,
      );
    }
    this.#checkDimensions(vector.length);
    const accepts = this.#compileFilter(options.filter);
    const query = Array.from(vector);
    const matches = [...this.#vectors.values()]
      .filter((stored) => stored.namespace === options.namespace && accepts(stored))
      .map((stored) => ({ stored, score: cosine(query, stored.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK)
      .map(({ stored, score }): VectorizeMatch => {
        const metadata = this.#metadataFor(stored, returnMetadata);
        return {
          id: stored.id,
          score,
          ...(metadata ? { metadata } : {}),
          ...(options.returnValues ? { values: stored.values } : {}),
          ...(stored.namespace !== undefined ? { namespace: stored.namespace } : {}),
        };
      });
    return { matches, count: matches.length };
  }

  async insert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    const duplicate = vectors.find((vector) => this.#vectors.has(vector.id));
    if (duplicate) throw new Error(`VECTOR_INSERT_ERROR: vector "${duplicate.id}" already exists`);
    return this.upsert(vectors);
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
    this.#checkBatch(vectors.length);
    for (const vector of vectors) {
      this.#checkId(vector.id);
      this.#checkDimensions(vector.values.length);
    }
    for (const vector of vectors) {
      this.#vectors.set(vector.id, {
        id: vector.id,
        namespace: vector.namespace,
        values: Array.from(vector.values),
        metadata: vector.metadata,
      });
    }
    return { ids: vectors.map((vector) => vector.id), count: vectors.length };
  }

  async deleteByIds(ids: string[]): Promise<VectorizeVectorMutation> {
    this.#checkBatch(ids.length);
    const deleted = ids.filter((id) => this.#vectors.delete(id));
    return { ids: deleted, count: deleted.length };
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    return ids.flatMap((id) => {
      const stored = this.#vectors.get(id);
      if (!stored) return [];
      return [
        {
          id,
          values: stored.values,
          ...(stored.namespace !== undefined ? { namespace: stored.namespace } : {}),
          ...(stored.metadata ? { metadata: stored.metadata } : {}),
        },
      ];
    });
  }

  #checkBatch(size: number): void {
    if (size > maxBatch) throw new Error(`VECTOR_MUTATION_ERROR: at most ${maxBatch} vectors per call, got ${size}`);
  }

  #checkId(id: string): void {
    const bytes = utf8.encode(id).length;
    if (bytes === 0 || bytes > maxIdBytes) {
      throw new Error(`VECTOR_MUTATION_ERROR: id "${id}" is ${bytes} bytes; ids are 1-${maxIdBytes} bytes`);
    }
  }

  #checkDimensions(length: number): void {
    if (length !== this.#options.dimensions) {
      throw new Error(`VECTOR_DIMENSION_MISMATCH: got ${length} dimensions, the index has ${this.#options.dimensions}`);
    }
  }

  #metadataFor(
    stored: StoredVector,
    level: VectorizeMetadataRetrievalLevel,
  ): Record<string, VectorizeVectorMetadata> | undefined {
    if (level === "none" || stored.metadata === undefined) return undefined;
    if (level === "all") return stored.metadata;
    const indexed = Object.entries(stored.metadata).filter(([key]) => this.#options.indexedProperties.includes(key));
    return indexed.length > 0 ? Object.fromEntries(indexed) : undefined;
  }

  // Vectorize filters on the metadata index, so a property without one has nothing to match against.
  #compileFilter(filter: VectorizeVectorMetadataFilter | undefined): (stored: StoredVector) => boolean {
    const accepts = compileFilter(filter);
    return (stored) => accepts(this.#indexedScalars(stored));
  }

  #indexedScalars(stored: StoredVector): VectorMetadata {
    const indexed: VectorMetadata = {};
    for (const [key, value] of Object.entries(stored.metadata ?? {})) {
      if (this.#options.indexedProperties.includes(key) && isMetadataValue(value)) indexed[key] = value;
    }
    return indexed;
  }
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
