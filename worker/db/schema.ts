import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestampNow = (column: string) =>
  integer(column, { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/** An organisation; every row below belongs to exactly one tenant. */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: timestampNow("created_at"),
});

export const documentStatuses = ["queued", "processing", "ready", "failed", "deleting"] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

export const documents = sqliteTable(
  "documents",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    collection: text("collection").notNull().default("default"),
    externalId: text("external_id"),
    title: text("title").notNull(),
    source: text("source", { enum: ["upload", "batch"] }).notNull(),
    r2Key: text("r2_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** Bumped on every re-ingest; queue messages for an older version are dropped. */
    version: integer("version").notNull().default(1),
    status: text("status", { enum: documentStatuses }).notNull().default("queued"),
    chunksTotal: integer("chunks_total").notNull().default(0),
    chunksDone: integer("chunks_done").notNull().default(0),
    error: text("error"),
    embeddingModel: text("embedding_model"),
    createdAt: timestampNow("created_at"),
    updatedAt: timestampNow("updated_at"),
  },
  (table) => [
    uniqueIndex("documents_tenant_external_id").on(table.tenantId, table.externalId),
    index("documents_tenant_created").on(table.tenantId, table.createdAt),
  ],
);

/**
 * One retrievable passage. `seq` is the stable integer rowid the FTS5 external-content table points at;
 * `id` is the deterministic vector id (document id + content hash) shared with the vector index.
 */
export const chunks = sqliteTable(
  "chunks",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    tenantId: text("tenant_id").notNull(),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    ordinal: integer("ordinal").notNull(),
    headingPath: text("heading_path").notNull().default(""),
    text: text("text").notNull(),
    contentHash: text("content_hash").notNull(),
  },
  (table) => [index("chunks_document").on(table.documentId, table.version), index("chunks_tenant").on(table.tenantId)],
);

export const ingestJobs = sqliteTable(
  "ingest_jobs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: text("status", { enum: ["processing", "ready", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    chunks: integer("chunks").notNull().default(0),
    embedded: integer("embedded").notNull().default(0),
    error: text("error"),
    startedAt: timestampNow("started_at"),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("ingest_jobs_document").on(table.documentId, table.version)],
);

/** One row per answer: what it cost and how long it took. */
export const usage = sqliteTable(
  "usage",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    messageId: text("message_id").notNull(),
    model: text("model").notNull(),
    retrievalMs: integer("retrieval_ms").notNull(),
    firstTokenMs: integer("first_token_ms"),
    totalMs: integer("total_ms").notNull(),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    chunkIds: text("chunk_ids", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: timestampNow("created_at"),
  },
  (table) => [index("usage_tenant_created").on(table.tenantId, table.createdAt)],
);
