import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const timestampNow = (column: string) =>
  integer(column, { mode: "timestamp_ms" }).notNull().default(sql`(unixepoch('subsec') * 1000)`);

/** An organisation; every row below belongs to exactly one tenant. */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Model tokens (input + output) the tenant's answers may use per UTC day; null: no limit. */
  dailyTokenBudget: integer("daily_token_budget"),
  createdAt: timestampNow("created_at"),
});

export const documentStatuses = ["queued", "processing", "ready", "failed", "deleting"] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

/** How a document arrived; `url` documents (a URL in a batch or delivery, or a page of a website source) are fetched. */
export const documentSources = ["upload", "batch", "r2", "webhook", "url"] as const;
export type DocumentSource = (typeof documentSources)[number];

/**
 * Where a document's title came from: the submitter (`explicit`, which always wins), the file's own metadata
 * once it was parsed (`document`: a `# heading`, `<title>`, PDF or DOCX title), or its file name (`filename`).
 */
export const titleSources = ["explicit", "filename", "document"] as const;
export type TitleSource = (typeof titleSources)[number];

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
    // Rows from before titles were read from the files count as explicit, so their titles never change.
    titleSource: text("title_source", { enum: titleSources }).notNull().default("explicit"),
    source: text("source", { enum: documentSources }).notNull(),
    r2Key: text("r2_key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** Bumped on every re-ingest; queue messages for an older version are dropped. */
    version: integer("version").notNull().default(1),
    /** The version searches see; null until the first version is indexed. Switched in one step when a new one is complete. */
    activeVersion: integer("active_version"),
    status: text("status", { enum: documentStatuses }).notNull().default("queued"),
    chunksTotal: integer("chunks_total").notNull().default(0),
    chunksDone: integer("chunks_done").notNull().default(0),
    error: text("error"),
    embeddingModel: text("embedding_model"),
    /**
     * The outbox: while the status says work is pending (`queued` or `processing`: ingest `version`; `deleting`:
     * delete), when that work was last sent to the queue or last made progress. It is written in the same statement
     * as the status, so D1 remembers pending work even when a queue message is lost; the reconciler re-sends work
     * quiet for too long. Meaningless for other statuses.
     */
    pendingAt: integer("pending_at", { mode: "timestamp_ms" }).notNull().default(sql`0`),
    /** Where the document is fetched from (URL documents and pages of website sources); null for the others. */
    url: text("url"),
    /**
     * Part of the outbox: the document's next step is fetching `url` (status `queued`), not ingesting `version`. Set
     * with the status; cleared by the fetch, which submits the fetched file as a new version when it changed.
     */
    fetchPending: integer("fetch_pending", { mode: "boolean" }).notNull().default(false),
    /** The validators (`ETag`, `Last-Modified`) of the fetched copy, for conditional re-fetches. */
    etag: text("etag"),
    lastModified: text("last_modified"),
    /** The website source the document is a page of. */
    sourceId: text("source_id"),
    /** The last sync of its source that checked the page, and what it found. */
    syncId: text("sync_id"),
    syncOutcome: text("sync_outcome", { enum: ["unchanged", "changed", "added", "failed"] }),
    createdAt: timestampNow("created_at"),
    updatedAt: timestampNow("updated_at"),
  },
  (table) => [
    uniqueIndex("documents_tenant_external_id").on(table.tenantId, table.externalId),
    index("documents_tenant_created").on(table.tenantId, table.createdAt),
    index("documents_pending").on(table.status, table.pendingAt),
    index("documents_source").on(table.sourceId),
    index("documents_sync").on(table.syncId, table.fetchPending),
  ],
);

/**
 * One retrievable passage of one document version. `seq` is the stable integer rowid the FTS5 external-content
 * table points at; `vectorId` is the deterministic vector id (document id + content hash), shared by versions
 * whose chunk is unchanged, and the chunk id the API shows.
 */
export const chunks = sqliteTable(
  "chunks",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    vectorId: text("vector_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    ordinal: integer("ordinal").notNull(),
    headingPath: text("heading_path").notNull().default(""),
    /** 1-based page of the source file (PDF), when it has pages. */
    page: integer("page"),
    text: text("text").notNull(),
    contentHash: text("content_hash").notNull(),
    /** Whether the chunk's vector is in the index; a version is switched to once all its chunks are. */
    vectorReady: integer("vector_ready", { mode: "boolean" }).notNull().default(false),
  },
  (table) => [
    uniqueIndex("chunks_document_version_ordinal").on(table.documentId, table.version, table.ordinal),
    index("chunks_vector").on(table.vectorId),
    index("chunks_tenant").on(table.tenantId),
  ],
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
    /** Chunks whose vectors an earlier version already had, so nothing was embedded for them. */
    reused: integer("reused").notNull().default(0),
    /** Chunks of the previous version that this version removed. */
    deleted: integer("deleted").notNull().default(0),
    slicesTotal: integer("slices_total").notNull().default(0),
    slicesDone: integer("slices_done").notNull().default(0),
    durationMs: integer("duration_ms"),
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

/** An R2 multipart upload in progress: large files go straight to R2 in parts, then become a document. */
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    /** The document the upload becomes: an existing one with the same external id, or a new id reserved now. */
    documentId: text("document_id").notNull(),
    r2Key: text("r2_key").notNull(),
    r2UploadId: text("r2_upload_id").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    title: text("title").notNull(),
    titleSource: text("title_source", { enum: titleSources }).notNull().default("explicit"),
    collection: text("collection").notNull().default("default"),
    externalId: text("external_id"),
    status: text("status", { enum: ["open", "completed", "aborted"] })
      .notNull()
      .default("open"),
    createdAt: timestampNow("created_at"),
  },
  (table) => [index("uploads_tenant").on(table.tenantId, table.createdAt)],
);

/** The D1 index of conversations (their messages live in each conversation's Durable Object). */
export const conversations = sqliteTable(
  "conversations",
  {
    /** `<tenant>/<conversation id>`, the Durable Object's name. */
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    owner: text("owner").notNull(),
    title: text("title").notNull(),
    messageCount: integer("message_count").notNull().default(0),
    createdAt: timestampNow("created_at"),
    updatedAt: timestampNow("updated_at"),
  },
  (table) => [index("conversations_owner").on(table.tenantId, table.owner, table.updatedAt)],
);

export const apiKeyRoles = ["admin", "member", "ingest"] as const;

/**
 * A key an integration sends as its bearer token (`rag_<id>_<secret>`). Only the SHA-256 of the secret is kept; the
 * secret itself is shown once, when the key is created.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    role: text("role", { enum: apiKeyRoles }).notNull(),
    /** The groups the key acts in, as a token's groups claim: which restricted collections it reads. */
    groups: text("groups", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    secretHash: text("secret_hash").notNull(),
    /** The subject of the admin who created it. */
    createdBy: text("created_by").notNull(),
    createdAt: timestampNow("created_at"),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("api_keys_tenant").on(table.tenantId, table.createdAt)],
);

/**
 * Who may read a collection of a tenant's documents. A collection without a row, or with `readableBy` null, is read
 * by the whole tenant; otherwise by admins and members of one of the groups named.
 */
export const collections = sqliteTable(
  "collections",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    readableBy: text("readable_by", { mode: "json" }).$type<string[]>(),
    updatedAt: timestampNow("updated_at"),
    /** The subject of the admin who last set its access. */
    updatedBy: text("updated_by").notNull(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.name] })],
);

/**
 * What admins and integrations did, and how it went: written by the API as each action ends, never changed or deleted
 * through it.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id").notNull(),
    at: timestampNow("at"),
    actor: text("actor").notNull(),
    actorRole: text("actor_role").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    requestId: text("request_id").notNull(),
    outcome: text("outcome", { enum: ["success", "failure"] }).notNull(),
    /** The HTTP status the action ended with. */
    status: integer("status").notNull(),
  },
  (table) => [index("audit_log_tenant").on(table.tenantId, table.seq)],
);

/**
 * A tenant's webhook signing secrets (Standard Webhooks `whsec_…`). The newest without `expiresAt` is current; after a
 * rotation the previous one stays valid until its `expiresAt`, so senders can switch over.
 */
export const webhookSecrets = sqliteTable(
  "webhook_secrets",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    /** Kept as is: verifying an HMAC needs the secret itself. */
    secret: text("secret").notNull(),
    createdAt: timestampNow("created_at"),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }),
  },
  (table) => [index("webhook_secrets_tenant").on(table.tenantId, table.createdAt)],
);

/** Every signed delivery received, once per `webhook-id` (a repeated id is answered from here, not processed again). */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    receivedAt: timestampNow("received_at"),
    outcome: text("outcome", { enum: ["processing", "accepted", "rejected"] }).notNull(),
    status: integer("status").notNull(),
    /** What the delivery did: `{externalId, documentId, action}` per document. */
    documents: text("documents", { mode: "json" })
      .$type<Array<{ externalId: string; documentId: string | null; action: string }>>()
      .notNull(),
    error: text("error"),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_id").on(table.tenantId, table.webhookId),
    index("webhook_deliveries_tenant").on(table.tenantId, table.seq),
  ],
);

export const sourceKinds = ["url", "sitemap", "site"] as const;
export type SourceKind = (typeof sourceKinds)[number];

/**
 * A website kept in sync: one page (`url`), the pages a sitemap lists (`sitemap`), or the pages reached from a start
 * URL by links within a path prefix (`site`). Its pages are documents of one collection, external id = page URL.
 */
export const sources = sqliteTable(
  "sources",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    kind: text("kind", { enum: sourceKinds }).notNull(),
    url: text("url").notNull(),
    collection: text("collection").notNull(),
    /** `site`: only pages whose path starts with this are followed. */
    pathPrefix: text("path_prefix"),
    pageLimit: integer("page_limit").notNull(),
    syncEveryMinutes: integer("sync_every_minutes").notNull(),
    /** When the scheduler starts the next sync. */
    nextSyncAt: integer("next_sync_at", { mode: "timestamp_ms" }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestampNow("created_at"),
  },
  (table) => [index("sources_tenant").on(table.tenantId, table.createdAt), index("sources_due").on(table.nextSyncAt)],
);

export const sourceSyncStatuses = ["discovering", "fetching", "finished", "failed"] as const;
export type SourceSyncStatus = (typeof sourceSyncStatuses)[number];

/**
 * One sync of a source: found its pages (`discovering`), fetched each (`fetching`), and what came of it. While it
 * is discovering, `pendingAt` is its outbox clock, as on documents.
 */
export const sourceSyncs = sqliteTable(
  "source_syncs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    sourceId: text("source_id")
      .notNull()
      .references(() => sources.id, { onDelete: "cascade" }),
    trigger: text("trigger", { enum: ["created", "schedule", "manual"] }).notNull(),
    status: text("status", { enum: sourceSyncStatuses }).notNull(),
    pendingAt: integer("pending_at", { mode: "timestamp_ms" }).notNull(),
    pagesFound: integer("pages_found").notNull().default(0),
    checked: integer("checked").notNull().default(0),
    unchanged: integer("unchanged").notNull().default(0),
    changed: integer("changed").notNull().default(0),
    added: integer("added").notNull().default(0),
    removed: integer("removed").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** The pages that failed and why (at most 50). */
    failures: text("failures", { mode: "json" }).$type<Array<{ url: string; reason: string }>>().notNull().default([]),
    /** Why the sync itself failed (e.g. its sitemap could not be read). */
    error: text("error"),
    startedAt: timestampNow("started_at"),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (table) => [
    index("source_syncs_source").on(table.sourceId, table.startedAt),
    index("source_syncs_pending").on(table.status, table.pendingAt),
  ],
);

/**
 * A user's thumb up or down on an answer, with an optional comment: one row per user and answer, replaced when they
 * rate it again. `seq` orders the admins' list, newest first.
 */
export const feedback = sqliteTable(
  "feedback",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    messageId: text("message_id").notNull(),
    subject: text("subject").notNull(),
    rating: text("rating", { enum: ["up", "down"] }).notNull(),
    comment: text("comment"),
    answerExcerpt: text("answer_excerpt").notNull(),
    createdAt: timestampNow("created_at"),
    updatedAt: timestampNow("updated_at"),
  },
  (table) => [
    uniqueIndex("feedback_message_subject").on(table.tenantId, table.conversationId, table.messageId, table.subject),
    index("feedback_tenant").on(table.tenantId, table.seq),
  ],
);

/**
 * Answers to first-turn questions, served again to the same question in the same scope (worker/rag/answer-cache.ts).
 * `scope_key` hashes what decides which passages an asker may be given (the collections it cannot read, its filter)
 * and how the answer was made (models, retrieval settings); `documents` lists `{id, version, collection}` of every
 * document among the answer's sources, and an entry whose documents changed since is never served.
 */
export const answerCache = sqliteTable(
  "answer_cache",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    scopeKey: text("scope_key").notNull(),
    /** SHA-256 of the normalised question (`normaliseQuestion`). */
    questionHash: text("question_hash").notNull(),
    /** The question's content terms, a JSON array, for the similarity of near-duplicates. */
    terms: text("terms", { mode: "json" }).$type<string[]>().notNull(),
    /** The answer as it streamed (`CachedAnswer`), JSON. */
    answer: text("answer", { mode: "json" }).$type<unknown>().notNull(),
    documents: text("documents", { mode: "json" }).$type<unknown>().notNull(),
    createdAt: timestampNow("created_at"),
  },
  (table) => [
    index("answer_cache_question").on(table.tenantId, table.questionHash),
    index("answer_cache_created").on(table.tenantId, table.createdAt),
  ],
);

/** The MinHash bands of each cached question: questions sharing a band are candidate near-duplicates. */
export const answerCacheBands = sqliteTable(
  "answer_cache_bands",
  {
    entryId: text("entry_id")
      .notNull()
      .references(() => answerCache.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id").notNull(),
    band: text("band").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.entryId, table.band] }),
    index("answer_cache_bands_lookup").on(table.tenantId, table.band),
  ],
);
