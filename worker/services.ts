import { type AppConfig, readConfig } from "./config";
import { createChunkSearch } from "./db/chunks";
import { createDb, type Db } from "./db/client";
import type { IngestDependencies } from "./ingest/ingest-dependencies";
import type { IngestMessage } from "./ingest/ingest-message";
import { platformFetch } from "./lib/safe-fetch";
import { type SelectedModels, selectModels } from "./models/select-models";
import type { ChunkSearch } from "./rag/chunk-search";
import { createLocalVectorStore } from "./vector/local-vector-store";
import type { VectorIndex } from "./vector/vector-index";
import { createVectorizeStore } from "./vector/vectorize-store";

/** Everything domain code may be handed, built from the bindings and the config of one Worker. */
export interface Services {
  config: AppConfig;
  db: Db;
  /** Retrieval's full-text ranking and chunk loading, on `db`. */
  chunkSearch: ChunkSearch;
  bucket: R2Bucket;
  queue: Queue<IngestMessage>;
  vectorIndex: VectorIndex;
  /** Which vector index adapter serves: `vectorize` in production, `local` offline. */
  vectorIndexName: "vectorize" | "local";
  models: SelectedModels;
}

/**
 * The composition root: turns bindings and config into the narrow dependencies domain code takes. Each part is
 * built on first use, so a request that only reads the database never builds the models. Vectorize is used when
 * the binding exists (production); otherwise the local index Durable Object.
 */
export function createServices(env: Env, config: AppConfig = readConfig(env)): Services {
  let db: Db | undefined;
  let chunkSearch: ChunkSearch | undefined;
  let vectorIndex: VectorIndex | undefined;
  let models: SelectedModels | undefined;
  return {
    config,
    get db() {
      db ??= createDb(env.DB);
      return db;
    },
    get chunkSearch() {
      chunkSearch ??= createChunkSearch(this.db);
      return chunkSearch;
    },
    bucket: env.DOCUMENTS,
    queue: env.INGEST_QUEUE,
    get vectorIndex() {
      vectorIndex ??= env.VECTORIZE
        ? createVectorizeStore(env.VECTORIZE)
        : createLocalVectorStore(env.LOCAL_VECTOR_INDEX);
      return vectorIndex;
    },
    vectorIndexName: env.VECTORIZE ? "vectorize" : "local",
    get models() {
      models ??= selectModels(config.models, { ai: env.AI }, { answerDelayMs: config.answerDelayMs });
      return models;
    },
  };
}

// The bindings object of an isolate stays the same from request to request (see `readConfig`), so its services, and
// the models and database client they build on first use, are built once rather than for every request.
const servicesByBindings = new WeakMap<Env, Services>();

/** {@link createServices} for these bindings, built on the first call and shared by every later one. */
export function servicesOf(env: Env): Services {
  let services = servicesByBindings.get(env);
  if (!services) {
    services = createServices(env);
    servicesByBindings.set(env, services);
  }
  return services;
}

/** The ingestion pipeline's dependencies, as the queue consumer runs it. */
export function ingestDependencies(services: Services): IngestDependencies {
  const { config } = services;
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
    urlFetch: { fetch: platformFetch, ...config.urlFetch },
  };
}
