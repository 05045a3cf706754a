import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { EmbeddingModelV4, EmbeddingModelV4CallOptions } from "@ai-sdk/provider";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { createDb } from "../../worker/db/client";
import { tenants } from "../../worker/db/schema";
import { consumeDeadLetters, consumeIngestBatch } from "../../worker/ingest/ingest-consumer";
import type { IngestDependencies } from "../../worker/ingest/ingest-dependencies";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { HashingEmbedder } from "../../worker/models/hashing-embedder";
import { createLocalVectorStore } from "../../worker/vector/local-vector-store";
import type { VectorIndex } from "../../worker/vector/vector-index";
import { uniqueTenant } from "./api";

/**
 * Holds messages instead of delivering them, so a test runs the consumer itself, step by step. While `failing` is
 * set, every send fails with it, as a queue outage would.
 */
export class RecordingQueue implements Pick<Queue<IngestMessage>, "send" | "sendBatch"> {
  readonly messages: IngestMessage[] = [];
  failing: string | null = null;
  async send(message: IngestMessage): Promise<QueueSendResponse> {
    if (this.failing) throw new Error(this.failing);
    this.messages.push(message);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date() } } };
  }
  async sendBatch(messages: Iterable<MessageSendRequest<IngestMessage>>): Promise<QueueSendBatchResponse> {
    if (this.failing) throw new Error(this.failing);
    for (const message of messages) this.messages.push(message.body);
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0, oldestMessageTimestamp: new Date() } } };
  }
  take(): IngestMessage | undefined {
    return this.messages.shift();
  }
}

/** The document a queue message is about (a source's sync is about none). */
export function messageDocumentId(message: IngestMessage): string | null {
  return "documentId" in message ? message.documentId : null;
}

/** The offline embedder, counting how many texts it was asked to embed and failing while `failing` is set. */
export class CountingEmbedder implements EmbeddingModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "test";
  readonly modelId = "counting-hashing";
  readonly maxEmbeddingsPerCall = 2048;
  readonly supportsParallelCalls = true;
  embedded = 0;
  failing: string | null = null;
  readonly #inner = new HashingEmbedder();

  async doEmbed(options: EmbeddingModelV4CallOptions) {
    if (this.failing) throw new Error(this.failing);
    this.embedded += options.values.length;
    return this.#inner.doEmbed(options);
  }
}

/** A switch a test flips to make one step of the pipeline fail, and flips back to let it recover. */
export interface Fault {
  message: string | null;
}

/** The local vector index, failing upserts while `fault.message` is set. */
export function faultyVectorIndex(inner: VectorIndex, fault: Fault): VectorIndex {
  return {
    upsert: (namespace, vectors) =>
      fault.message ? Promise.reject(new Error(fault.message)) : inner.upsert(namespace, vectors),
    query: (vector, options) => inner.query(vector, options),
    deleteByIds: (namespace, ids) => inner.deleteByIds(namespace, ids),
  };
}

/** The R2 bucket, failing reads while `fault.message` is set. */
export function faultyBucket(inner: R2Bucket, fault: Fault): R2Bucket {
  return new Proxy(inner, {
    get(target, property) {
      if (property === "get" && fault.message) return () => Promise.reject(new Error(fault.message ?? ""));
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The D1 database, failing any statement whose SQL matches `pattern` while `fault.message` is set. */
export function faultyDatabase(inner: D1Database, pattern: RegExp, fault: Fault): D1Database {
  const faulty = new WeakSet<object>();
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const matches = pattern.test(sql);
    const wrapped = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") {
          return (...values: unknown[]) => wrap(target.bind(...values), sql);
        }
        if (matches && fault.message && ["run", "all", "raw", "first"].includes(String(property))) {
          return () => Promise.reject(new Error(fault.message ?? ""));
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    if (matches) faulty.add(wrapped);
    return wrapped;
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === "prepare") return (sql: string) => wrap(target.prepare(sql), sql);
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) =>
          fault.message && statements.some((statement) => faulty.has(statement))
            ? Promise.reject(new Error(fault.message))
            : target.batch(statements);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export interface Harness {
  tenantId: string;
  queue: RecordingQueue;
  /** Messages awaiting delivery, with the attempt they are on (retries come back here). */
  pending: Array<{ body: IngestMessage; attempts: number }>;
  embedder: CountingEmbedder;
  deps: IngestDependencies;
}

/** Pipeline dependencies on the real local D1, R2 and vector index, for a fresh tenant. */
export async function createHarness(
  overrides: Partial<Pick<IngestDependencies, "db" | "bucket" | "vectorIndex" | "sliceSize">> = {},
): Promise<Harness> {
  const tenantId = uniqueTenant();
  const db = createDb(env.DB);
  await db.insert(tenants).values({ id: tenantId, name: tenantId });
  const queue = new RecordingQueue();
  const embedder = new CountingEmbedder();
  const deps: IngestDependencies = {
    db,
    bucket: env.DOCUMENTS,
    vectorIndex: createLocalVectorStore(env.LOCAL_VECTOR_INDEX),
    queue,
    embedding: embedder,
    embeddingModelId: embedder.modelId,
    sliceSize: 256,
    chunking: { targetChars: 1000, overlapChars: 150 },
    maxFileBytes: 1024 * 1024,
    ...overrides,
  };
  return { tenantId, queue, pending: [], embedder, deps };
}

const maxRetries = 3;

/**
 * Delivers every queued message through the real consumers as Cloudflare Queues would: a retried message
 * comes back with one more attempt, and after `max_retries` goes to the dead-letter consumer.
 */
export async function drainQueue(harness: Harness, options: { limit?: number } = {}): Promise<void> {
  const { pending } = harness;
  let delivered = 0;
  for (;;) {
    for (let message = harness.queue.take(); message; message = harness.queue.take()) {
      pending.push({ body: message, attempts: 1 });
    }
    if (delivered === (options.limit ?? Number.POSITIVE_INFINITY)) return;
    const next = pending.shift();
    if (!next) return;
    delivered += 1;
    const id = `message-${crypto.randomUUID()}`;
    const batch = createMessageBatch<IngestMessage>("edge-rag-chat-ingest", [
      { id, timestamp: new Date(), attempts: next.attempts, body: next.body },
    ]);
    const context = createExecutionContext();
    await consumeIngestBatch(batch, harness.deps);
    const result = await getQueueResult(batch, context);
    if (result.retryMessages.length === 0) continue;
    if (next.attempts <= maxRetries) {
      pending.unshift({ body: next.body, attempts: next.attempts + 1 });
    } else {
      const deadLetters = createMessageBatch<IngestMessage>("edge-rag-chat-ingest-dlq", [
        { id: `dead-${id}`, timestamp: new Date(), attempts: 1, body: next.body },
      ]);
      await consumeDeadLetters(deadLetters, harness.deps);
    }
  }
}

/** Delivers messages to the ingest consumer as one queue batch, as Cloudflare Queues would; returns what it acked. */
export async function deliverBatch(harness: Harness, bodies: IngestMessage[], attempts = 1) {
  const batch = createMessageBatch<IngestMessage>(
    "edge-rag-chat-ingest",
    bodies.map((body) => ({ id: `message-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  const context = createExecutionContext();
  await consumeIngestBatch(batch, harness.deps);
  return getQueueResult(batch, context);
}

/** What D1, its full-text index and the vector index hold for one tenant. */
export interface TenantState {
  documents: Array<{ id: string; status: string; version: number; activeVersion: number | null; error: string | null }>;
  /** Chunk rows of the versions searches read. */
  servingRows: number;
  /** Chunk rows of any other version: staged work in flight, or left behind. */
  strayRows: number;
  /** Serving rows that repeat a vector id of their document. */
  duplicateRows: number;
  ftsRows: number;
  vectors: number;
}

export async function inspectTenant(tenantId: string): Promise<TenantState> {
  const db = createDb(env.DB);
  const documents = await db.all<TenantState["documents"][number]>(sql`
    SELECT id, status, version, active_version AS activeVersion, error FROM documents
    WHERE tenant_id = ${tenantId} ORDER BY id`);
  const [rows] = await db.all<{ serving: number; stray: number; duplicates: number }>(sql`
    SELECT coalesce(sum(c.version IS d.active_version), 0) AS serving,
      coalesce(sum(c.version IS NOT d.active_version), 0) AS stray,
      coalesce(sum(c.version IS d.active_version), 0) - (
        SELECT count(*) FROM (
          SELECT DISTINCT c2.document_id, c2.vector_id FROM chunks AS c2
          JOIN documents AS d2 ON d2.id = c2.document_id AND c2.version = d2.active_version
          WHERE c2.tenant_id = ${tenantId})) AS duplicates
    FROM chunks AS c JOIN documents AS d ON d.id = c.document_id
    WHERE c.tenant_id = ${tenantId}`);
  const [fts] = await db.all<{ count: number }>(
    sql`SELECT count(*) AS count FROM chunks_fts_docsize WHERE id IN (SELECT seq FROM chunks WHERE tenant_id = ${tenantId})`,
  );
  const { vectorCount } = await env.LOCAL_VECTOR_INDEX.getByName(tenantId).describe();
  return {
    documents: documents.map((row) => ({ ...row, version: Number(row.version) })),
    servingRows: Number(rows?.serving ?? 0),
    strayRows: Number(rows?.stray ?? 0),
    duplicateRows: Number(rows?.duplicates ?? 0),
    ftsRows: Number(fts?.count ?? 0),
    vectors: vectorCount,
  };
}

/**
 * Every document of the tenant finished (`ready`, or `failed` with a reason written for people), and nothing
 * duplicated or left behind: D1 rows = full-text rows = vectors, all of serving versions.
 */
export async function expectSettled(tenantId: string): Promise<TenantState> {
  const state = await inspectTenant(tenantId);
  for (const document of state.documents) {
    expect(document.status, `document ${document.id}`).toMatch(/^(ready|failed)$/);
    if (document.status === "ready") expect(document.activeVersion).toBe(document.version);
    else expect(document.error).toMatch(/^[A-Z][^\n]{10,300}$/);
    expect(document.error ?? "").not.toMatch(/select |insert |update |delete from|params:|\.ts:|\bat /i);
  }
  expect({ stray: state.strayRows, duplicates: state.duplicateRows }).toEqual({ stray: 0, duplicates: 0 });
  expect({ fts: state.ftsRows, vectors: state.vectors }).toEqual({
    fts: state.servingRows,
    vectors: state.servingRows,
  });
  return state;
}
