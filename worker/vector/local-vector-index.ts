import { DurableObject } from "cloudflare:workers";
import type { VectorFilter, VectorMatch, VectorMetadata, VectorQueryOptions, VectorRecord } from "./vector-index";

/** Query options of one namespace's index: Vectorize's, minus the namespace the instance stands for. */
export type LocalVectorQueryOptions = Omit<VectorQueryOptions, "namespace">;

/** What `describe()` reports; `dimensions` is null until the first vector fixes it. */
export interface LocalVectorIndexDescription {
  vectorCount: number;
  dimensions: number | null;
}

// Vectorize's documented limits, enforced here so code that works offline also works in production.
const maxIdBytes = 64;
const maxDimensions = 1536;
const maxUpsertBatch = 1000;
const maxTopK = 100;
const maxTopKWithAllMetadata = 20;
const maxMetadataBytes = 10 * 1024;
const maxFilterBytes = 2048;
const maxFilterKeyLength = 512;

type MetadataValue = VectorMetadata[string];
type MetadataPredicate = (metadata: VectorMetadata | undefined) => boolean;

const utf8 = new TextEncoder();

/**
 * The offline stand-in for Vectorize: one instance per namespace, vectors in SQLite (one small row each),
 * searched by brute-force cosine similarity over an in-memory copy that is loaded on first use and kept in
 * step with every write. Same limits and errors as Vectorize where they matter (ids ≤ 64 bytes, one
 * dimension per index, ≤ 1000 vectors per upsert, topK ≤ 100 or ≤ 20 with all metadata, 10 KiB metadata).
 * Unlike Vectorize, every metadata property is filterable and writes are visible immediately.
 */
export class LocalVectorIndex extends DurableObject<Env> {
  #matrix: VectorMatrix | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, "values" BLOB NOT NULL, metadata TEXT)`,
    );
  }

  /** Inserts or replaces vectors by id; throws (writing nothing) if any vector is invalid. */
  async upsert(vectors: VectorRecord[]): Promise<{ count: number }> {
    const matrix = this.#loadMatrix();
    if (!Array.isArray(vectors)) throw new Error("upsert expects an array of vectors");
    if (vectors.length > maxUpsertBatch) {
      throw new Error(`upsert accepts at most ${maxUpsertBatch} vectors per call, got ${vectors.length}`);
    }
    let dimensions = matrix.dimensions;
    const prepared = vectors.map((vector, index) => {
      const record = prepareRecord(vector, index, dimensions);
      dimensions = record.values.length;
      return record;
    });

    this.ctx.storage.transactionSync(() => {
      for (const record of prepared) {
        this.ctx.storage.sql.exec(
          `INSERT INTO vectors (id, "values", metadata) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET "values" = excluded."values", metadata = excluded.metadata`,
          record.id,
          record.values.buffer,
          record.metadata === undefined ? null : JSON.stringify(record.metadata),
        );
      }
    });
    for (const record of prepared) matrix.set(record.id, record.values, record.metadata);
    return { count: prepared.length };
  }

  /** The `topK` most similar vectors by cosine similarity, highest first, among those matching `filter`. */
  async query(vector: number[], options: LocalVectorQueryOptions): Promise<VectorMatch[]> {
    const matrix = this.#loadMatrix();
    const { topK, filter, returnMetadata = "none" } = options;
    if (!Number.isInteger(topK) || topK < 1) throw new Error(`topK must be a positive integer, got ${topK}`);
    if (!["none", "indexed", "all"].includes(returnMetadata)) {
      throw new Error(`returnMetadata must be "none", "indexed" or "all", got ${JSON.stringify(returnMetadata)}`);
    }
    if (topK > maxTopK) throw new Error(`topK must be at most ${maxTopK}, got ${topK}`);
    if (returnMetadata === "all" && topK > maxTopKWithAllMetadata) {
      throw new Error(
        `topK must be at most ${maxTopKWithAllMetadata} when returnMetadata is "all", got ${topK}; ` +
          `ask for "indexed" or "none", or a smaller topK`,
      );
    }
    const accepts = compileFilter(filter);
    const values = toFloat32Values(vector, "query vector");
    if (matrix.dimensions === null) return [];
    if (values.length !== matrix.dimensions) {
      throw new Error(`query vector has ${values.length} dimensions; this index has ${matrix.dimensions}`);
    }
    return matrix
      .search(values, topK, accepts)
      .map(({ id, score, metadata }) =>
        returnMetadata === "none" || metadata === undefined ? { id, score } : { id, score, metadata },
      );
  }

  /** The stored vectors with these ids, in the order asked for; unknown ids are skipped. */
  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    const matrix = this.#loadMatrix();
    const records: VectorRecord[] = [];
    for (const id of new Set(validateIds(ids))) {
      const stored = matrix.get(id);
      if (stored === undefined) continue;
      const values = Array.from(stored.values);
      records.push(stored.metadata === undefined ? { id, values } : { id, values, metadata: stored.metadata });
    }
    return records;
  }

  /** Deletes vectors by id; `count` is how many existed. */
  async deleteByIds(ids: string[]): Promise<{ count: number }> {
    const matrix = this.#loadMatrix();
    const existing = [...new Set(validateIds(ids))].filter((id) => matrix.has(id));
    this.ctx.storage.transactionSync(() => {
      for (const id of existing) this.ctx.storage.sql.exec("DELETE FROM vectors WHERE id = ?", id);
    });
    for (const id of existing) matrix.delete(id);
    return { count: existing.length };
  }

  /** How many vectors the index holds and their dimension. */
  async describe(): Promise<LocalVectorIndexDescription> {
    const matrix = this.#loadMatrix();
    return { vectorCount: matrix.size, dimensions: matrix.dimensions };
  }

  // SQLite calls are synchronous and a Durable Object runs one event at a time, so loading here (with no
  // await in between) cannot interleave with a write.
  #loadMatrix(): VectorMatrix {
    if (this.#matrix !== null) return this.#matrix;
    const matrix = new VectorMatrix();
    const rows = this.ctx.storage.sql.exec<{ id: string; values: ArrayBuffer; metadata: string | null }>(
      `SELECT id, "values", metadata FROM vectors`,
    );
    for (const row of rows) {
      const metadata = row.metadata === null ? undefined : toMetadata(JSON.parse(row.metadata), row.id);
      matrix.set(row.id, new Float32Array(row.values), metadata);
    }
    this.#matrix = matrix;
    return matrix;
  }
}

interface PreparedRecord {
  id: string;
  values: Float32Array;
  metadata: VectorMetadata | undefined;
}

function prepareRecord(vector: VectorRecord, index: number, dimensions: number | null): PreparedRecord {
  if (typeof vector !== "object" || vector === null) throw new Error(`vector ${index} is not an object`);
  const id = validateId(vector.id);
  const values = toFloat32Values(vector.values, `vector "${id}"`);
  if (dimensions !== null && values.length !== dimensions) {
    throw new Error(`vector "${id}" has ${values.length} dimensions; this index has ${dimensions}`);
  }
  if (vector.metadata === undefined) return { id, values, metadata: undefined };
  const metadata = toMetadata(vector.metadata, id);
  const metadataBytes = utf8.encode(JSON.stringify(metadata)).length;
  if (metadataBytes > maxMetadataBytes) {
    throw new Error(`vector "${id}" has ${metadataBytes} bytes of metadata; at most ${maxMetadataBytes} are allowed`);
  }
  return { id, values, metadata };
}

function validateIds(ids: unknown): string[] {
  if (!Array.isArray(ids)) throw new Error("expected an array of vector ids");
  return ids.map(validateId);
}

function validateId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0) {
    throw new Error(`vector id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  const bytes = utf8.encode(id).length;
  if (bytes > maxIdBytes) {
    throw new Error(`vector id "${id}" is ${bytes} bytes; ids are limited to ${maxIdBytes} bytes`);
  }
  return id;
}

function toFloat32Values(values: unknown, what: string): Float32Array {
  if (!Array.isArray(values) && !(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new Error(`${what} must be an array of numbers`);
  }
  if (values.length === 0 || values.length > maxDimensions) {
    throw new Error(`${what} has ${values.length} dimensions; 1 to ${maxDimensions} are supported`);
  }
  const result = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const value: unknown = values[index];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new Error(`${what} has a non-finite value at position ${index}`);
    }
    result[index] = value;
  }
  return result;
}

function toMetadata(value: unknown, id: string): VectorMetadata {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`metadata of vector "${id}" must be an object`);
  }
  const metadata: VectorMetadata = {};
  for (const [key, entry] of Object.entries(value)) {
    if (!isMetadataValue(entry)) {
      throw new Error(`metadata "${key}" of vector "${id}" must be a string, a finite number or a boolean`);
    }
    metadata[key] = entry;
  }
  return metadata;
}

function isMetadataValue(value: unknown): value is MetadataValue {
  return (
    typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))
  );
}

// Turns a Vectorize-style filter into a predicate: each property's conditions ($eq by default, $ne, $in,
// $nin) must all hold. A vector without the property never equals anything, so it passes $ne and $nin.
function compileFilter(filter: VectorFilter | undefined): MetadataPredicate {
  if (filter === undefined) return () => true;
  if (typeof filter !== "object" || filter === null || Array.isArray(filter) || Object.keys(filter).length === 0) {
    throw new Error("filter must be a non-empty object");
  }
  const filterBytes = utf8.encode(JSON.stringify(filter)).length;
  if (filterBytes >= maxFilterBytes) {
    throw new Error(`filter must be under ${maxFilterBytes} bytes as JSON, got ${filterBytes}`);
  }

  const predicates: MetadataPredicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (key.length === 0 || key.length > maxFilterKeyLength || key.startsWith("$") || /[".]/.test(key)) {
      throw new Error(
        `filter key ${JSON.stringify(key)} is invalid: keys are 1-512 characters, without " or ., not starting with $`,
      );
    }
    const read = (metadata: VectorMetadata | undefined) =>
      metadata !== undefined && Object.hasOwn(metadata, key) ? metadata[key] : undefined;
    if (isMetadataValue(condition)) {
      predicates.push((metadata) => read(metadata) === condition);
      continue;
    }
    if (
      typeof condition !== "object" ||
      condition === null ||
      Array.isArray(condition) ||
      Object.keys(condition).length === 0
    ) {
      throw new Error(`filter on "${key}" must be a value or an object of operators ($eq, $ne, $in, $nin)`);
    }
    for (const [operator, operand] of Object.entries(condition)) {
      predicates.push(compileCondition(key, operator, operand, read));
    }
  }
  return (metadata) => predicates.every((predicate) => predicate(metadata));
}

function compileCondition(
  key: string,
  operator: string,
  operand: unknown,
  read: (metadata: VectorMetadata | undefined) => MetadataValue | undefined,
): MetadataPredicate {
  switch (operator) {
    case "$eq":
    case "$ne": {
      if (!isMetadataValue(operand)) {
        throw new Error(`filter ${operator} on "${key}" needs a string, number or boolean`);
      }
      return operator === "$eq" ? (metadata) => read(metadata) === operand : (metadata) => read(metadata) !== operand;
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand) || !operand.every(isMetadataValue)) {
        throw new Error(`filter ${operator} on "${key}" needs an array of strings, numbers or booleans`);
      }
      const set = new Set<unknown>(operand);
      return operator === "$in" ? (metadata) => set.has(read(metadata)) : (metadata) => !set.has(read(metadata));
    }
    default:
      throw new Error(
        `filter operator ${JSON.stringify(operator)} on "${key}" is not supported; use $eq, $ne, $in or $nin`,
      );
  }
}

interface ScoredSlot {
  id: string;
  score: number;
  metadata: VectorMetadata | undefined;
}

// All vectors of the index in one flat Float32Array (row-major, one row per slot) with precomputed norms,
// so a query is one tight loop over contiguous memory. Deleting moves the last row into the freed slot.
class VectorMatrix {
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

  // Cosine similarity (0 when either vector is all zeros), best first, ties broken by id.
  search(query: Float32Array, topK: number, accepts: MetadataPredicate): ScoredSlot[] {
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

interface Candidate {
  score: number;
  id: string;
  slot: number;
}

// Keeps the k best candidates in a min-heap whose root is the worst kept, so each offer costs O(log k).
class TopK {
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
