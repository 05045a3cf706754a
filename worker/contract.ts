/**
 * The wire contract shared by the Worker and the SPA: request bodies, response shapes and the data parts
 * of the chat stream. Routes validate with these schemas; `web/` imports the inferred types.
 */
import type { UIMessage } from "ai";
import { z } from "zod";
import { hasControlCharacters, removeControlCharacters } from "./lib/control-characters.ts";

/**
 * What a caller may do within its tenant: `admin` everything, `member` ask and search, `ingest` (integrations) only
 * submit and delete documents.
 */
export const roleSchema = z.enum(["admin", "member", "ingest"]);
export type Role = z.infer<typeof roleSchema>;

export const tenantSlugSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, "tenant must be 1-64 characters of lower-case letters, digits and '-'");

export const devTokenRequestSchema = z.object({
  role: roleSchema,
  tenant: tenantSlugSchema.default("demo"),
});

// A key's name is shown in lists and logs; control characters would garble both.
const keyNameSchema = z
  .string()
  .trim()
  .min(1, "name must not be empty")
  .max(100)
  .refine((name) => !/\p{Cc}/u.test(name), "name must not contain control characters");

/** A group of users, as an identity provider's groups claim names it (or an admin sets it on an API key). */
const groupNameSchema = z
  .string()
  .min(1)
  .max(128)
  .refine((group) => !/\p{Cc}/u.test(group), "a group name must not contain control characters");

/** The groups of one caller, or allowed to read one collection. */
export const groupListSchema = z.array(groupNameSchema).max(100);

/**
 * `POST /api/keys`: a new API key for the caller's tenant; its `groups` decide which restricted collections it reads,
 * as a token's groups claim does.
 */
export const createApiKeySchema = z.object({
  name: keyNameSchema,
  role: roleSchema,
  groups: groupListSchema.default([]),
});

/** An API key as admins see it; the secret is only in the answer that creates it. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: Role;
  groups: string[];
  /** The start of the key, enough to recognise it: `rag_<id>_…`. */
  prefix: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Every action the audit log records. */
export const auditActions = [
  /** An authenticated caller was refused an action its role does not allow. */
  "access.denied",
  "tenant.save",
  "dev-token.issue",
  "key.create",
  "key.revoke",
  "budget.set",
  "collection.access",
  "document.upload",
  "document.batch",
  "document.reingest",
  "document.rename",
  "document.delete",
  "documents.reembed",
  "upload.create",
  "upload.complete",
  "upload.abort",
  "webhook-secret.rotate",
  "webhook-secret.revoke",
  "webhook.deliver",
  "source.create",
  "source.delete",
  "source.sync",
] as const;
export const auditActionSchema = z.enum(auditActions);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** `GET /api/audit`: newest first, filtered, a page at a time (`before` is the `nextCursor` of the previous page). */
export const auditQuerySchema = z.object({
  action: auditActionSchema.optional(),
  actor: z.string().min(1).max(256).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** One audit entry. */
export interface AuditEntryView {
  id: number;
  at: string;
  actor: string;
  actorRole: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string;
  outcome: "success" | "failure";
  status: number;
}

/** `PUT /api/usage/budget`: the tenant's daily model-token budget; null removes it. */
export const tokenBudgetSchema = z.object({
  dailyTokens: z.number().int().min(1).max(1_000_000_000_000).nullable(),
});

/** `GET /api/usage`: the tenant's model use today (UTC) against its budget, and answer latency. */
export interface UsageView {
  today: {
    answers: number;
    inputTokens: number;
    outputTokens: number;
    /** Null: no budget. */
    dailyTokenBudget: number | null;
    /** When today's count starts again (next UTC midnight). */
    resetsAt: string;
  };
  /** Over the last 7 days, in milliseconds (null with no answers). */
  latency: {
    answers: number;
    firstTokenP50: number | null;
    firstTokenP95: number | null;
    totalP50: number | null;
    totalP95: number | null;
    retrievalP50: number | null;
  };
}

/** `PUT /api/tenant`: creates the caller's tenant or renames it. */
export const saveTenantSchema = z.object({
  name: z.string().trim().min(1, "name must not be empty").max(200),
});

/** The caller's tenant, as `GET`/`PUT /api/tenant` return it. */
export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
}

/** Who is calling, as the API sees it (`GET /api/tenant`): what the SPA shows and hides follows from it. */
export interface CallerView {
  subject: string;
  role: Role;
  groups: readonly string[];
}

export const conversationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "id must be 1-64 characters of letters, digits, '_' and '-'");

/** The longest question text (each text part of a user message) the chat takes. */
export const maxQuestionCharacters = 8000;

/** Why a question of `length` characters is refused, in words for the person who typed it. */
export function questionTooLongMessage(length: number): string {
  const count = (value: number) => value.toLocaleString("en-US");
  return `Your question is ${count(length)} characters; the limit is ${count(maxQuestionCharacters)}.`;
}

const questionTextSchema = z.string().max(maxQuestionCharacters, {
  error: (issue) => (typeof issue.input === "string" ? questionTooLongMessage(issue.input.length) : undefined),
});

/** The new user message, as the AI SDK's `useChat` sends it (a UI message with text parts). */
export const userMessageSchema = z.object({
  id: z.string().min(1).max(128),
  role: z.literal("user"),
  parts: z
    .array(z.object({ type: z.literal("text"), text: questionTextSchema }))
    .min(1)
    .max(16)
    .refine((parts) => parts.some((part) => part.text.trim().length > 0), "message text must not be empty"),
});

/** Which rankers a search uses: both fused (the default and what chat uses), or one alone for evaluation. */
export const retrievalModeSchema = z.enum(["hybrid", "fts", "vector"]);
export type RetrievalMode = z.infer<typeof retrievalModeSchema>;

/** Narrows retrieval to one collection and/or some documents (ids as the API returns them). */
export const retrievalFilterSchema = z.object({
  collection: z.string().min(1).max(64).optional(),
  // D1 binds at most 100 parameters per statement, and the ids share them with the rest of the query.
  documentIds: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
});
export type RetrievalFilter = z.infer<typeof retrievalFilterSchema>;

/**
 * Why a question is sent (the AI SDK's names): `submit-message` asks it, or, under the id of an earlier question,
 * replaces that question and drops what followed (an edit, or a retry); `regenerate-message` answers the latest
 * question again and keeps its earlier answers as versions.
 */
export const chatTriggerSchema = z.enum(["submit-message", "regenerate-message"]);

export const chatRequestSchema = z.object({
  id: conversationIdSchema,
  message: userMessageSchema,
  /** Answers only from these documents or this collection. */
  filter: retrievalFilterSchema.optional(),
  trigger: chatTriggerSchema.default("submit-message"),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

const settingWeight = z.number().min(0).max(100);
const settingCount = (max: number) => z.number().int().min(0).max(max);

/**
 * The knobs of hybrid retrieval; deployments set them with vars (see `readConfig`), and an admin's search may
 * replace whole groups of them for one request (`retrieval` in `POST /api/search`), which is how the eval tries a
 * stage on or off without restarting the server.
 */
export const retrievalSettingsSchema = z.object({
  /** Reciprocal rank fusion constant: larger values flatten the advantage of top ranks. */
  rrfK: z.number().min(0).max(1000),
  /** How much each ranker's reciprocal ranks count in the fusion. */
  fusionWeights: z.object({ fullText: settingWeight, vector: settingWeight }),
  /** BM25 weights of the title, heading path and text columns. */
  fullTextColumnWeights: z.object({ title: settingWeight, headingPath: settingWeight, text: settingWeight }),
  /**
   * Multi-view BM25: a second full-text ranking with every column weighted alike, fused with this weight beside the
   * column-weighted one; 0 leaves it out.
   */
  flatFullTextWeight: settingWeight,
  /** How many candidates each ranker contributes to the fusion (at most 100, Vectorize's topK limit). */
  candidates: z.number().int().min(1).max(100),
  /**
   * Pseudo-relevance feedback: the best `chunks` of a first pass are taken as relevant; their `expansionTerms` most
   * typical words expand the full-text query (RM3), the original words keeping `originalQueryWeight` of its weight,
   * and the query vector moves towards their mean by `vectorShift` (Rocchio). The rankers' new rankings are fused
   * beside the first ones, counting `weight` times as much. 0 chunks or weight turns feedback off; 0 terms or 0
   * shift leaves out one side.
   */
  feedback: z.object({
    chunks: settingCount(10),
    weight: settingWeight,
    expansionTerms: settingCount(40),
    originalQueryWeight: z.number().min(0).max(1),
    vectorShift: settingWeight,
  }),
  /**
   * Reranking: the best `candidates` fused passages are scored by the reranker, and its order is fused with the
   * fused order, counting `weight` times as much; 0 candidates turns it off.
   */
  reranking: z.object({ candidates: settingCount(100), weight: settingWeight }),
});
export type RetrievalSettings = z.infer<typeof retrievalSettingsSchema>;

/** A search's replacements for whole groups of settings (admins only). */
export const retrievalSettingsOverrideSchema = retrievalSettingsSchema.partial().strict();

export const searchRequestSchema = z.object({
  query: z.string().trim().min(1).max(2000),
  // 100 is Vectorize's topK limit when no metadata comes back, which is how retrieval queries it.
  topK: z.number().int().min(1).max(100).default(10),
  filter: retrievalFilterSchema.optional(),
  /** Admins only: run one ranker alone, for ablations. */
  mode: retrievalModeSchema.default("hybrid"),
  /** Admins only: replace whole groups of the deployment's retrieval settings for this search (the eval's stages). */
  retrieval: retrievalSettingsOverrideSchema.optional(),
});

/**
 * Milliseconds retrieval took in each stage (first pass, feedback, fusion, hydration, reranking); a stage not run is
 * absent. The first pass (`search`) is broken down into embedding the query, the vector query (a round trip to the
 * index, its scan included) and the full-text query (a round trip to D1); they run in parallel, so they overlap
 * rather than add up to it.
 */
export const retrievalStageTimingsSchema = z.object({
  search: z.number().optional(),
  embed: z.number().optional(),
  vectorQuery: z.number().optional(),
  fullTextQuery: z.number().optional(),
  fusion: z.number().optional(),
  feedback: z.number().optional(),
  hydrate: z.number().optional(),
  rerank: z.number().optional(),
});
export type RetrievalStageTimings = z.infer<typeof retrievalStageTimingsSchema>;

export const searchResultSchema = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  externalId: z.string().nullable(),
  title: z.string(),
  headingPath: z.string(),
  text: z.string(),
  score: z.number(),
});
export type SearchResult = z.infer<typeof searchResultSchema>;

/** The longest title a document may have; longer titles taken from a file name or the file are shortened. */
export const maxTitleLength = 512;

/** The longest file name an upload may declare: far beyond any file system's, so no real file is refused. */
export const maxFilenameLength = 8192;

const noControlCharacters = (value: string) => !hasControlCharacters(value);
const controlCharacterMessage = "must not contain control characters (NUL, tabs, line breaks, escape …)";

/** A caller's own id for a document (a path, a CMS id): updates find the document by it. */
export const externalIdSchema = z.string().min(1).max(256).refine(noControlCharacters, controlCharacterMessage);

/** The collection a document belongs to, which searches and chats can be narrowed to. */
export const collectionSchema = z.string().min(1).max(64).refine(noControlCharacters, controlCharacterMessage);

/**
 * `PUT /api/collections/:name/access`: who may read a collection. `null`: the whole tenant (every collection not
 * set otherwise); a list: admins and members of any of these groups only (an empty list: admins only).
 */
export const collectionAccessSchema = z.object({ readableBy: groupListSchema.nullable() });

/** A collection as admins see it (`GET /api/collections`): in use by documents, or with its access set. */
export interface CollectionView {
  name: string;
  /** Documents in it, those being deleted not counted. */
  documents: number;
  readableBy: string[] | null;
  /** When and by whom its access was last set; null while it has never been. */
  accessUpdatedAt: string | null;
  accessUpdatedBy: string | null;
}

/**
 * A title the submitter gives, which always wins over the document's own. Control characters are removed (a
 * pasted line break becomes a space) rather than refused; what is left must be 1-512 characters.
 */
export const documentTitleSchema = z
  .string()
  .transform(removeControlCharacters)
  .pipe(z.string().trim().min(1, "title must not be empty").max(maxTitleLength));

/** `PATCH /api/documents/:id`: the title an admin gives a document, which its file's own title never replaces. */
export const renameDocumentSchema = z.object({ title: documentTitleSchema });

/** `POST /api/documents`: one file as multipart form data. */
export const uploadFormSchema = z.object({
  file: z.instanceof(File, { message: "Send the document as a multipart form field named 'file'" }),
  /** Without one, the title is the document's own (a `# heading`, `<title>`, PDF or DOCX title) or its file name. */
  title: documentTitleSchema.optional(),
  externalId: externalIdSchema.optional(),
  collection: collectionSchema.default("default"),
});

/** A URL the Worker fetches: http(s), at most 2,048 characters (the SSRF guard checks it when it is fetched). */
export const fetchUrlSchema = z
  .string()
  .trim()
  .max(2048, "url must be at most 2048 characters")
  .pipe(z.url({ protocol: /^https?$/, error: "url must be an http(s) URL" }));

export const batchDocumentSchema = z
  .object({
    externalId: externalIdSchema,
    /** Without one, the title is the document's own (e.g. its `# heading`) or the last part of the external id. */
    title: documentTitleSchema.optional(),
    /** The document's text; or send `url`. */
    text: z.string().min(1).optional(),
    /** Where to fetch the document from instead of sending its text: fetched by the ingest queue, type sniffed. */
    url: fetchUrlSchema.optional(),
    /** The type of `text` (a fetched document's type comes from its bytes). */
    contentType: z
      .enum(["text/plain", "text/markdown", "text/html", "text/csv", "application/json"])
      .default("text/markdown"),
    collection: collectionSchema.default("default"),
  })
  .superRefine((document, context) => {
    if ((document.text === undefined) === (document.url === undefined)) {
      context.addIssue({ code: "custom", path: ["text"], message: "send either text or url (one of them)" });
    }
  });

export const batchRequestSchema = z.object({
  documents: z
    .array(batchDocumentSchema)
    .min(1)
    .max(100)
    .superRefine((documents, context) => {
      // Two entries for one external id would race to create the same document.
      const firstIndex = new Map<string, number>();
      documents.forEach((document, index) => {
        const first = firstIndex.get(document.externalId);
        if (first === undefined) {
          firstIndex.set(document.externalId, index);
          return;
        }
        context.addIssue({
          code: "custom",
          path: [index, "externalId"],
          message: `"${document.externalId}" is also the external id of documents[${first}]; send each document once`,
        });
      });
    }),
});

/**
 * A signed webhook delivery (`POST /api/webhooks/ingest?tenant=…`): documents to create or update, as in a batch, and
 * external ids to delete; together at most 100.
 */
export const webhookDeliverySchema = z
  .object({
    documents: z.array(batchDocumentSchema).max(100).default([]),
    deletes: z.array(externalIdSchema).max(100).default([]),
  })
  .superRefine((delivery, context) => {
    if (delivery.documents.length + delivery.deletes.length === 0) {
      context.addIssue({
        code: "custom",
        message: "a delivery must name documents to upsert or external ids to delete",
      });
    }
    if (delivery.documents.length + delivery.deletes.length > 100) {
      context.addIssue({ code: "custom", message: "a delivery may touch at most 100 documents; send several" });
    }
    const upserted = new Set(delivery.documents.map((document) => document.externalId));
    delivery.deletes.forEach((externalId, index) => {
      if (upserted.has(externalId)) {
        context.addIssue({
          code: "custom",
          path: ["deletes", index],
          message: `"${externalId}" is both upserted and deleted in this delivery`,
        });
      }
    });
  });

/** `POST /api/webhooks/secrets`: a new signing secret; the current one stays valid for `rolloverSeconds`. */
export const rotateWebhookSecretSchema = z.object({
  rolloverSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
});

/** A webhook signing secret as admins see it (its value only in the answer that creates it). */
export interface WebhookSecretView {
  id: string;
  createdAt: string;
  /** Null while it is the current secret; after a rotation, when it stops being accepted. */
  expiresAt: string | null;
}

/** One received delivery, as `GET /api/webhooks/deliveries` lists it. */
export interface WebhookDeliveryView {
  id: number;
  webhookId: string;
  receivedAt: string;
  outcome: "processing" | "accepted" | "rejected";
  status: number;
  documents: Array<{ externalId: string; documentId: string | null; action: string }>;
  error: string | null;
}

export const sourceKindSchema = z.enum(["url", "sitemap", "site"]);

/** The largest number of pages a source may have. */
export const maxSourcePages = 1000;

/**
 * `POST /api/sources`: a website to keep in sync: one page (`url`), the pages a sitemap lists (`sitemap`, `url` is the
 * sitemap), or the pages reached by links from `url` whose path starts with `pathPrefix` (`site`).
 */
export const createSourceSchema = z
  .object({
    kind: sourceKindSchema,
    url: fetchUrlSchema,
    collection: collectionSchema.default("default"),
    /** `site` only; defaults to the start URL's directory. */
    pathPrefix: z.string().startsWith("/", "pathPrefix must start with /").max(1024).optional(),
    pageLimit: z.number().int().min(1).max(maxSourcePages).default(100),
    /** How often the source is re-synced; at least every 15 minutes, by default once a day. */
    syncEveryMinutes: z.number().int().min(15, "syncEveryMinutes must be at least 15").max(525_600).default(1440),
  })
  .superRefine((source, context) => {
    if (source.pathPrefix !== undefined && source.kind !== "site") {
      context.addIssue({ code: "custom", path: ["pathPrefix"], message: "pathPrefix applies to site sources only" });
    }
  });

/** One sync of a source: how many pages it found and checked, and what came of them. */
export interface SourceSyncView {
  id: string;
  trigger: "created" | "schedule" | "manual";
  /** `discovering` its pages, `fetching` them, then `finished` or `failed` (see `error`). */
  status: "discovering" | "fetching" | "finished" | "failed";
  pagesFound: number;
  /** Pages fetched (a conditional request each): unchanged + changed + added + failed + removed because gone. */
  checked: number;
  unchanged: number;
  changed: number;
  added: number;
  /** Pages deleted: gone from the sitemap, or answering 404/410. */
  removed: number;
  failed: number;
  failures: Array<{ url: string; reason: string }>;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** A source as admins see it. */
export interface SourceView {
  id: string;
  kind: z.infer<typeof sourceKindSchema>;
  url: string;
  collection: string;
  pathPrefix: string | null;
  pageLimit: number;
  syncEveryMinutes: number;
  nextSyncAt: string;
  createdBy: string;
  createdAt: string;
  lastSync: SourceSyncView | null;
}

/** R2 allows at most 10,000 parts in a multipart upload. */
export const maxUploadParts = 10_000;

/** `POST /api/uploads`: starts a multipart upload of a file of `size` bytes. */
export const createUploadSchema = z.object({
  filename: z.string().trim().min(1).max(maxFilenameLength),
  size: z.number().int().positive(),
  contentType: z.string().trim().min(1).max(255).optional(),
  title: documentTitleSchema.optional(),
  externalId: externalIdSchema.optional(),
  collection: collectionSchema.default("default"),
});

/** `POST /api/uploads/:id/complete`: every uploaded part, as its upload answered. */
export const completeUploadSchema = z.object({
  parts: z
    .array(z.object({ partNumber: z.number().int().min(1).max(maxUploadParts), etag: z.string().min(1).max(256) }))
    .min(1)
    .max(maxUploadParts),
});

export const documentStatusSchema = z.enum(["queued", "processing", "ready", "failed", "deleting"]);
export type DocumentStatus = z.infer<typeof documentStatusSchema>;

/** A document as the API returns it. */
export interface DocumentView {
  id: string;
  externalId: string | null;
  title: string;
  collection: string;
  contentType: string;
  size: number;
  status: DocumentStatus;
  /** The latest submitted version. */
  version: number;
  /** The version searches see; null until the first one is indexed. */
  activeVersion: number | null;
  sha256: string;
  chunksTotal: number;
  chunksDone: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * `GET /api/documents/:id/chunks`: a page of a document's indexed text in reading order. By default the first page;
 * `from` continues at a passage (a page's `next`), `before` reads the page ending just before one (a page's
 * `previous`), and `chunk` reads the page holding that passage (a chunk id as a search result or chat source names
 * it), with a little of the text before it. Pages hold at most `limit` passages and about 100,000 characters.
 */
export const documentChunksQuerySchema = z
  .object({
    from: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    chunk: z.string().min(1).max(128).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .refine(
    (query) => [query.from, query.before, query.chunk].filter((value) => value !== undefined).length <= 1,
    "send at most one of from, before and chunk",
  );

/** One passage of a document, as the document view shows it. */
export interface DocumentChunkView {
  chunkId: string;
  /** Position in the document, from 0. */
  ordinal: number;
  /** The headings above the passage, outermost first, joined with " > " (empty before the first heading). */
  headingPath: string;
  /** The 1-based page of the source file (PDF); null for formats without pages. */
  page: number | null;
  text: string;
  /**
   * How many characters at the start of `text` repeat the end of the passage before it (the chunker's overlap):
   * the document reads once when each passage is shown from there.
   */
  repeated: number;
}

/** A page of a document's text (`GET /api/documents/:id/chunks`). */
export interface DocumentChunksPage {
  document: { id: string; title: string; collection: string; contentType: string; status: DocumentStatus };
  chunks: DocumentChunkView[];
  /** `before` of the page before this one; null at the start of the document. */
  previous: number | null;
  /** `from` of the page after this one; null at the end of the document. */
  next: number | null;
}

/** One ingestion run of a document version, as `GET /api/documents/:id` shows it. */
export interface IngestJobView {
  version: number;
  status: "processing" | "ready" | "failed";
  attempts: number;
  chunks: number;
  embedded: number;
  reused: number;
  deleted: number;
  slicesTotal: number;
  slicesDone: number;
  durationMs: number | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** `data-sources` stream part: every passage given to the model, in citation order ([1] is the first). */
export const sourcesDataSchema = z.object({
  sources: z.array(
    z.object({
      index: z.number().int(),
      chunkId: z.string(),
      documentId: z.string(),
      title: z.string(),
      /** The passage as the model was given it (answers from before this was so hold its first 280 characters). */
      snippet: z.string(),
      /** The retrieval score (reciprocal-rank fusion): for ranking, not a confidence. */
      score: z.number(),
      /** The headings above the passage, joined with " > "; absent from older answers. */
      headingPath: z.string().optional(),
      /** The 1-based page of the source file (PDF); null without pages, absent from older answers. */
      page: z.number().int().nullable().optional(),
    }),
  ),
});
export type SourcesData = z.infer<typeof sourcesDataSchema>;

/** `data-timings` stream part, in milliseconds. */
export const timingsDataSchema = z.object({
  retrievalMs: z.number(),
  /** Where the retrieval time went, summed over the parts of the question; absent from older answers. */
  retrievalStages: retrievalStageTimingsSchema.optional(),
  /** The hop from the Worker into the conversation's Durable Object; absent from older answers and continuations. */
  conversationHopMs: z.number().optional(),
  firstTokenMs: z.number().nullable(),
  totalMs: z.number(),
  /** Tokens the model reported (the offline model counts words); null when the model did not say. */
  inputTokens: z.number().nullable(),
  outputTokens: z.number().nullable(),
  model: z.string(),
  offline: z.boolean(),
  /** True when the answer was served from the answer cache (an earlier answer to the same question); absent: no. */
  cached: z.boolean().optional(),
});
export type TimingsData = z.infer<typeof timingsDataSchema>;

/** Whether an answer rests on the documents: every part of the question, some parts, or none. */
export const groundingStatusSchema = z.enum(["answered", "partial", "declined"]);
export type GroundingStatus = z.infer<typeof groundingStatusSchema>;

/**
 * `data-grounding` stream part, sent after the text of a complete answer: `declined` when no source passed the
 * relevance test (or the answer cites none), `partial` when some parts of a question with several had none.
 */
export const groundingDataSchema = z.object({
  status: groundingStatusSchema,
  /** The parts of the question the documents do not cover, as the question worded them. */
  uncoveredParts: z.array(z.string()),
});
export type GroundingData = z.infer<typeof groundingDataSchema>;

/** The custom data parts of the chat stream (`data-sources`, `data-timings`, `data-grounding`). */
export type ChatDataParts = { sources: SourcesData; timings: TimingsData; grounding: GroundingData };

/** Every error code the API answers with, one per meaning. */
export const errorCodes = [
  /** Malformed JSON, a body or parameter that fails its schema, or a request that makes no sense. */
  "invalid_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  /** The tenant has used its daily budget of model tokens. */
  "budget_exhausted",
  "internal_error",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The HTTP status of each error code. */
export const errorStatuses = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exhausted: 429,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

/** How an answer ended (`metadata.status` of an assistant message). */
export const answerStatusSchema = z.enum(["complete", "stopped", "errored"]);
export type AnswerStatus = z.infer<typeof answerStatusSchema>;

/** Metadata the server attaches to an assistant message when it finishes. */
export const chatMetadataSchema = z.object({
  model: z.string().optional(),
  usage: z.object({ inputTokens: z.number().nullable(), outputTokens: z.number().nullable() }).optional(),
  /** How the answer ended; a stopped or errored answer keeps the text streamed before it ended. */
  status: answerStatusSchema.optional(),
  /** Why it stopped or failed, in words a user can read. */
  reason: z.string().optional(),
  /** True when the answer came from the answer cache rather than the model. */
  cached: z.boolean().optional(),
});
export type ChatMetadata = z.infer<typeof chatMetadataSchema>;

/** The UI message type of this app's chat stream, for `useChat<ChatMessage>()`. */
export type ChatMessage = UIMessage<ChatMetadata, ChatDataParts>;

/** What `validateUIMessages` needs to check a stored or received `ChatMessage` whole, metadata and data parts. */
export const chatMessageSchemas = {
  // Questions carry no metadata.
  metadataSchema: chatMetadataSchema.optional(),
  dataSchemas: { sources: sourcesDataSchema, timings: timingsDataSchema, grounding: groundingDataSchema },
};

export const renameConversationSchema = z.object({
  title: z.string().trim().min(1, "title must not be empty").max(200),
});

/**
 * Where a page of a list ordered newest first starts: after the row of time `at` (milliseconds) with this `id` (ties
 * of time go by id, descending). Sent as the previous page's `nextCursor`, `"<at>:<id>"`.
 */
export interface TimeIdCursor {
  at: number;
  id: string;
}

/** A `before` query parameter holding an earlier page's `nextCursor`. */
const timeIdCursorSchema = z
  .string()
  .regex(/^\d{1,15}:[A-Za-z0-9_-]{1,64}$/, "before must be the nextCursor of an earlier page")
  .transform((cursor): TimeIdCursor => {
    const colon = cursor.indexOf(":");
    return { at: Number(cursor.slice(0, colon)), id: cursor.slice(colon + 1) };
  });

/**
 * `GET /api/conversations`: the caller's conversations, most recently active first, a page at a time (`before` is the
 * `nextCursor` of the previous page); `q` keeps those whose title contains it (case-insensitive for ASCII letters).
 */
export const listConversationsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  q: z
    .string()
    .transform(removeControlCharacters)
    .pipe(z.string().trim().max(200, "q must be at most 200 characters"))
    .optional(),
  before: timeIdCursorSchema.optional(),
});

/**
 * `GET /api/documents`: the tenant's documents, newest first, a page of at most `limit` at a time (`before` is the
 * `nextCursor` of the previous page).
 */
export const listDocumentsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(500),
  before: timeIdCursorSchema.optional(),
});

/**
 * A page of a conversation's messages (`GET /api/conversations/:id`): the newest `limit`, or those before the
 * `olderCursor` of an earlier page. Pages also stop at about 2 million characters of messages.
 */
export const conversationPageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .regex(/^\d{1,15}$/, "before must be the olderCursor of an earlier page")
    .transform(Number)
    .optional(),
});

/** A conversation in the list (`GET /api/conversations`); its messages live in its Durable Object. */
export interface ConversationSummary {
  id: string;
  title: string;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A thumb up or down on an answer. */
export const feedbackRatingSchema = z.enum(["up", "down"]);

/** The longest comment feedback may carry. */
export const maxFeedbackCommentLength = 2000;

/** `PUT /api/conversations/:id/messages/:messageId/feedback`: the caller's rating of an answer, replacing any earlier. */
export const feedbackRequestSchema = z.object({
  rating: feedbackRatingSchema,
  comment: z
    .string()
    .trim()
    .max(maxFeedbackCommentLength, `comment must be at most ${maxFeedbackCommentLength} characters`)
    .optional(),
});

/** `GET /api/feedback`: the tenant's feedback, newest first, a page at a time (`before`: the previous `nextCursor`). */
export const feedbackQuerySchema = z.object({
  rating: feedbackRatingSchema.optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A user's feedback on one answer, as its author reads it back with the conversation. */
export interface MessageFeedbackView {
  messageId: string;
  rating: z.infer<typeof feedbackRatingSchema>;
  comment: string | null;
  updatedAt: string;
}

/** Feedback as admins read it (`GET /api/feedback`). */
export interface FeedbackView extends MessageFeedbackView {
  id: number;
  conversationId: string;
  /** Who gave it. */
  subject: string;
  /** The start of the rated answer's text, as it was when rated. */
  answerExcerpt: string;
  createdAt: string;
}
