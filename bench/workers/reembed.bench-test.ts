/**
 * "Re-embed all" at scale: `npm run bench:reembed` (BENCH_DOCUMENTS=5000 by default). Seeds a tenant whose documents
 * were indexed with another embedding model, calls `POST /api/documents/reembed`, and times the real local queue and
 * consumer until every document serves vectors of the current model; then checks D1 rows = full-text rows = vectors
 * and that no staged row is left. Runs in workerd like the `workers` tests; prints figures.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { expect, it, vi } from "vitest";
import { z } from "zod";
import { createDb } from "../../worker/db/client";
import { tenants } from "../../worker/db/schema";
import { consumeIngestBatch } from "../../worker/ingest/ingest-consumer";
import type { IngestDependencies } from "../../worker/ingest/ingest-dependencies";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { HashingEmbedder } from "../../worker/models/hashing-embedder";
import { createLocalVectorStore } from "../../worker/vector/local-vector-store";

const { BENCH_DOCUMENTS: count } = z.object({ BENCH_DOCUMENTS: z.coerce.number().int().min(1) }).parse(env);
const batchSize = 100;

function api(path: string, token: string | null, body?: unknown): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://bench.test${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

const statsSchema = z.object({
  documents: z.number(),
  ready: z.number(),
  pending: z.number(),
  embeddedTexts: z.number(),
});

it(`re-embeds ${count} documents`, async () => {
  const tenantId = `bench-${crypto.randomUUID().slice(0, 8)}`;
  const db = createDb(env.DB);
  await db.insert(tenants).values({ id: tenantId, name: tenantId });
  const held: IngestMessage[] = [];
  const queue: IngestDependencies["queue"] = {
    send: async (body) => {
      held.push(body);
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    },
    sendBatch: async (messages) => {
      for (const message of messages) held.push(message.body);
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    },
  };
  const deps: IngestDependencies = {
    db,
    bucket: env.DOCUMENTS,
    vectorIndex: createLocalVectorStore(env.LOCAL_VECTOR_INDEX),
    queue,
    embedding: new HashingEmbedder(),
    // Another model than the app's: its vector ids differ, so re-embedding really embeds everything again.
    embeddingModelId: "bench-previous-model",
    sliceSize: 256,
    chunking: { targetChars: 2000, overlapChars: 150 },
    maxFileBytes: 1024 * 1024,
  };

  let started = performance.now();
  const encoder = new TextEncoder();
  for (let start = 0; start < count; start += batchSize) {
    await submitDocuments(
      deps,
      Array.from({ length: Math.min(batchSize, count - start) }, (_, offset) => {
        const index = start + offset;
        return {
          tenantId,
          title: `Document ${index}`,
          body: encoder.encode(`# Document ${index}\n\n## Figures\n\nThe figure of document ${index} is ${index * 7}.`),
          contentType: "text/markdown",
          externalId: `doc-${index}`,
          collection: "default",
          source: "batch" as const,
        };
      }),
    );
    const batch = createMessageBatch<IngestMessage>(
      "edge-rag-chat-ingest",
      held
        .splice(0)
        .map((body, position) => ({ id: `seed-${start}-${position}`, timestamp: new Date(), attempts: 1, body })),
    );
    const context = createExecutionContext();
    await consumeIngestBatch(batch, deps);
    expect((await getQueueResult(batch, context)).retryMessages).toEqual([]);
  }
  console.log(
    `Seeded ${count} documents indexed with another model in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const token = z
    .object({ token: z.string() })
    .parse(await (await api("/api/dev/token", null, { role: "admin", tenant: tenantId })).json()).token;
  const stats = async () => statsSchema.parse(await (await api("/api/documents/stats", token)).json());
  const before = await stats();

  started = performance.now();
  const response = await api("/api/documents/reembed", token, {});
  const requestMs = performance.now() - started;
  expect(await response.json()).toMatchObject({ queued: count, embeddingModel: "hashing-v1" });
  await vi.waitUntil(async () => (await stats()).pending === 0, { timeout: 1_700_000, interval: 500 });
  const seconds = (performance.now() - started) / 1000;
  const after = await stats();
  console.log(
    `Re-embed all: ${count} documents queued by one request in ${requestMs.toFixed(0)} ms; all re-embedded in ` +
      `${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} documents/s); ` +
      `${after.embeddedTexts - before.embeddedTexts} texts embedded`,
  );

  const [check] = await db.all<{ documents: number; current: number; serving: number; stray: number }>(sql`
    SELECT (SELECT count(*) FROM documents WHERE tenant_id = ${tenantId}) AS documents,
      (SELECT count(*) FROM documents WHERE tenant_id = ${tenantId} AND status = 'ready' AND version = 2
        AND active_version = 2 AND embedding_model = 'hashing-v1') AS current,
      (SELECT count(*) FROM chunks AS c JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
        WHERE c.tenant_id = ${tenantId}) AS serving,
      (SELECT count(*) FROM chunks AS c JOIN documents AS d ON d.id = c.document_id AND c.version IS NOT d.active_version
        WHERE c.tenant_id = ${tenantId}) AS stray`);
  const [fts] = await db.all<{ count: number }>(
    sql`SELECT count(*) AS count FROM chunks_fts_docsize WHERE id IN (SELECT seq FROM chunks WHERE tenant_id = ${tenantId})`,
  );
  const { vectorCount } = await env.LOCAL_VECTOR_INDEX.getByName(tenantId).describe();
  console.log(
    `Verified: ${check?.current}/${check?.documents} documents at version 2 with hashing-v1; ${check?.serving} chunk rows, ` +
      `${fts?.count} full-text rows, ${vectorCount} vectors; ${check?.stray} staged rows left`,
  );
  expect(check).toMatchObject({ documents: count, current: count, stray: 0 });
  expect({ fts: fts?.count, vectors: vectorCount }).toEqual({ fts: check?.serving, vectors: check?.serving });
});
