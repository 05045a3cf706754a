import type { AppConfig } from "./config";
import { createDb } from "./db/client";
import type { IngestDependencies } from "./ingest/ingest-dependencies";
import type { IngestMessage } from "./ingest/ingest-message";
import { selectModels } from "./models/select-models";
import { createLocalVectorStore } from "./vector/local-vector-store";
import type { VectorIndex } from "./vector/vector-index";
import { createVectorizeStore } from "./vector/vectorize-store";

/**
 * The composition root: turns bindings and config into the narrow dependencies domain code takes.
 * Vectorize is used when the binding exists (production); otherwise the local index Durable Object.
 */
export function createServices(env: Env, config: AppConfig) {
  const vectorIndex: VectorIndex = env.VECTORIZE
    ? createVectorizeStore(env.VECTORIZE)
    : createLocalVectorStore(env.LOCAL_VECTOR_INDEX);
  const ingestQueue: Queue<IngestMessage> = env.INGEST_QUEUE;
  return {
    db: createDb(env.DB),
    bucket: env.DOCUMENTS,
    queue: ingestQueue,
    vectorIndex,
    vectorIndexName: env.VECTORIZE ? "vectorize" : "local",
    models: selectModels(config.models, { ai: env.AI }, { answerDelayMs: config.answerDelayMs }),
  };
}

export type Services = ReturnType<typeof createServices>;

/** The ingestion pipeline's dependencies, as the queue consumer runs it. */
export function ingestDependencies(services: Services, config: AppConfig): IngestDependencies {
  return {
    db: services.db,
    bucket: services.bucket,
    vectorIndex: services.vectorIndex,
    queue: services.queue,
    embedding: services.models.embedding,
    embeddingModelId: services.models.embeddingModelId,
    sliceSize: config.ingestSliceSize,
    chunking: config.chunking,
    maxFileBytes: config.maxFileBytes,
  };
}
