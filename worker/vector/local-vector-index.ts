import { DurableObject } from "cloudflare:workers";
import { platformLimits } from "../lib/platform-limits";
import { type QuantizedVector, quantizeVector } from "./int8-quantization";
import { QuantizedMatrix } from "./quantized-matrix";
import { rescore } from "./rescore";
import { compileFilter } from "./vector-filter";
import type { VectorMatch, VectorQueryOptions, VectorRecord } from "./vector-index";
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
 * How many of the best approximate matches a query rescores with the stored floats for each one it returns, and how
 * many more: int8 codes move a cosine similarity by a few thousandths at most, which reorders only near neighbours,
 * so the exact top K is among them (recall@10 of 1 in the test over hashed text, recall@100 of 1 in
 * `bench:vector-scan`). Each one rescored is a 3 KB row read from SQLite: at 100,000 vectors the reads of a top 100
 * cost about as much as half the scan.
 */
const rescoredPerResult = 1.5;
const rescoredExtra = 20;

/** A vector's row in SQLite: its float32 values and its metadata as JSON. */
type StoredRow = {
  id: string;
  values: ArrayBuffer;
  metadata: string | null;
};

/**
 * The offline stand-in for Vectorize: one instance per namespace, vectors as float32 in SQLite (one small row
 * each), searched by brute force over an in-memory int8 copy ({@link QuantizedMatrix}, a quarter of the floats' size,
 * so 100,000 vectors of 768 dimensions fit in a Durable Object's 128 MB) kept in step with every write; the best
 * approximate matches are rescored with the stored floats, so scores are exact. The int8 codes are stored too, in a
 * table of their own, so a cold start loads the matrix from them (about 800 bytes a vector) without reading or
 * quantizing the floats (3 KB a vector at 768 dimensions). Same limits and errors as Vectorize where they matter
 * (ids ≤ 64 bytes, one dimension per index, ≤ 1000 vectors per upsert, topK ≤ 100 or ≤ 20 with all metadata, 10 KiB
 * metadata).
 * Unlike Vectorize, every metadata property is filterable and writes are visible immediately.
 */
export class LocalVectorIndex extends DurableObject<Env> {
  #matrix: QuantizedMatrix | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS vectors (id TEXT PRIMARY KEY, "values" BLOB NOT NULL, metadata TEXT)`,
    );
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS vector_codes (id TEXT PRIMARY KEY, step REAL NOT NULL, codes BLOB NOT NULL, metadata TEXT)`,
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

    const rows = validated.map((record) => ({
      ...record,
      quantized: quantizeVector(record.values),
      metadataJson: record.metadata === undefined ? null : JSON.stringify(record.metadata),
    }));
    this.ctx.storage.transactionSync(() => {
      for (const row of rows) {
        this.ctx.storage.sql.exec(
          `INSERT INTO vectors (id, "values", metadata) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET "values" = excluded."values", metadata = excluded.metadata`,
          row.id,
          row.values.buffer,
          row.metadataJson,
        );
        this.#storeCodes(row.id, row.quantized, row.metadataJson);
      }
    });
    for (const row of rows) matrix.set(row.id, row.quantized, row.metadataJson);
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
    const candidates = matrix.candidates(values, Math.ceil(topK * rescoredPerResult) + rescoredExtra, accepts);
    const stored = this.#storedRows(candidates.map((candidate) => candidate.id));
    const storedValues = (id: string) => {
      const row = stored.get(id);
      return row === undefined ? undefined : new Float32Array(row.values);
    };
    return rescore(values, candidates, storedValues, topK).map(({ id, score, metadata }) =>
      returnMetadata === "none" || metadata === undefined ? { id, score } : { id, score, metadata },
    );
  }

  /** The stored vectors with these ids, in the order asked for; unknown ids are skipped. */
  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    const wanted = [...new Set(validateIds(ids))];
    const stored = this.#storedRows(wanted);
    return wanted.flatMap((id) => {
      const row = stored.get(id);
      if (row === undefined) return [];
      const values = Array.from(new Float32Array(row.values));
      return row.metadata === null
        ? [{ id, values }]
        : [{ id, values, metadata: toMetadata(JSON.parse(row.metadata), id) }];
    });
  }

  /** Deletes vectors by id; `count` is how many existed. */
  async deleteByIds(ids: string[]): Promise<{ count: number }> {
    const matrix = this.#loadMatrix();
    const existing = [...new Set(validateIds(ids))].filter((id) => matrix.has(id));
    this.ctx.storage.transactionSync(() => {
      for (const id of existing) {
        this.ctx.storage.sql.exec("DELETE FROM vectors WHERE id = ?", id);
        this.ctx.storage.sql.exec("DELETE FROM vector_codes WHERE id = ?", id);
      }
    });
    for (const id of existing) matrix.delete(id);
    return { count: existing.length };
  }

  /** How many vectors the index holds and their dimension. */
  async describe(): Promise<LocalVectorIndexDescription> {
    const matrix = this.#loadMatrix();
    return { vectorCount: matrix.size, dimensions: matrix.dimensions };
  }

  /** The stored rows of these ids, by id; unknown ids are left out. One statement: the ids go in as one JSON array. */
  #storedRows(ids: string[]): Map<string, StoredRow> {
    const rows = this.ctx.storage.sql.exec<StoredRow>(
      `SELECT id, "values", metadata FROM vectors WHERE id IN (SELECT value FROM json_each(?))`,
      JSON.stringify(ids),
    );
    return new Map(Array.from(rows, (row) => [row.id, row]));
  }

  /** Writes one vector's codes (in the transaction that writes its floats, so the two change together). */
  #storeCodes(id: string, { codes, step }: QuantizedVector, metadataJson: string | null): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO vector_codes (id, step, codes, metadata) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET step = excluded.step, codes = excluded.codes, metadata = excluded.metadata`,
      id,
      step,
      codes.buffer,
      metadataJson,
    );
  }

  // SQLite calls are synchronous and a Durable Object runs one event at a time, so loading here (with no
  // await in between) cannot interleave with a write.
  #loadMatrix(): QuantizedMatrix {
    if (this.#matrix !== null) return this.#matrix;
    this.#storeMissingCodes();
    const matrix = new QuantizedMatrix();
    // Rows as arrays rather than objects: a third less time reading 100,000 of them.
    const rows = this.ctx.storage.sql
      .exec(`SELECT id, step, codes, metadata FROM vector_codes`)
      .raw<[id: string, step: number, codes: ArrayBuffer, metadata: string | null]>();
    for (const [id, step, codes, metadata] of rows) matrix.set(id, { codes: new Int8Array(codes), step }, metadata);
    this.#matrix = matrix;
    return matrix;
  }

  /**
   * Quantizes and stores the codes of vectors stored without them (by an index from before codes were stored), once:
   * every write since changes a vector's floats and codes in one transaction, so their counts only differ then.
   */
  #storeMissingCodes(): void {
    const [counts] = this.ctx.storage.sql
      .exec<{ vectors: number; codes: number }>(
        `SELECT (SELECT count(*) FROM vectors) AS vectors, (SELECT count(*) FROM vector_codes) AS codes`,
      )
      .toArray();
    if (counts === undefined || counts.vectors === counts.codes) return;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(`DELETE FROM vector_codes`);
      const rows = this.ctx.storage.sql.exec<StoredRow>(`SELECT id, "values", metadata FROM vectors`);
      for (const row of rows) this.#storeCodes(row.id, quantizeVector(new Float32Array(row.values)), row.metadata);
    });
  }
}
