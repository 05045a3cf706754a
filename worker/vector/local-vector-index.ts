import { DurableObject } from "cloudflare:workers";
import { platformLimits } from "../lib/platform-limits";
import { compileFilter } from "./vector-filter";
import type { VectorMatch, VectorQueryOptions, VectorRecord } from "./vector-index";
import { VectorMatrix } from "./vector-matrix";
import { toFloat32Values, toMetadata, validateIds, validateRecord } from "./vector-record-validation";

/** Query options of one namespace's index: Vectorize's, minus the namespace the instance stands for. */
export type LocalVectorQueryOptions = Omit<VectorQueryOptions, "namespace">;

/** What `describe()` reports; `dimensions` is null until the first vector fixes it. */
export interface LocalVectorIndexDescription {
  vectorCount: number;
  dimensions: number | null;
}

// Vectorize's documented limits, enforced here so code that works offline also works in production.
const {
  writeBatch: maxUpsertBatch,
  topK: maxTopK,
  topKWithMetadata: maxTopKWithAllMetadata,
} = platformLimits.vectorize;

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
    const validated = vectors.map((vector, index) => {
      const record = validateRecord(vector, index, dimensions);
      dimensions = record.values.length;
      return record;
    });

    this.ctx.storage.transactionSync(() => {
      for (const record of validated) {
        this.ctx.storage.sql.exec(
          `INSERT INTO vectors (id, "values", metadata) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET "values" = excluded."values", metadata = excluded.metadata`,
          record.id,
          record.values.buffer,
          record.metadata === undefined ? null : JSON.stringify(record.metadata),
        );
      }
    });
    for (const record of validated) matrix.set(record.id, record.values, record.metadata);
    return { count: validated.length };
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
