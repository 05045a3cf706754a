import { z } from "zod";
import type { TenantProvisioning } from "./auth/tenant-provisioning";
import type { TokenPolicy } from "./auth/token";
import { retrievalSettingsSchema, tenantSlugSchema } from "./contract";
import { defaultRetrievalSettings, type RetrievalSettings } from "./rag/retrieval-settings";

const flag = z
  .string()
  .default("false")
  .transform((value) => ["1", "true", "yes", "on"].includes(value.trim().toLowerCase()));

/** "name:weight,…" with exactly `names`, e.g. "fts:1.5,vector:1"; an empty value means the defaults (undefined). */
function namedWeights(names: readonly string[]) {
  return z
    .string()
    .default("")
    .transform((value, context): Record<string, number> | undefined => {
      if (value.trim() === "") return undefined;
      const entries = value.split(",").map((pair) => pair.split(":").map((part) => part.trim()));
      const weights: Record<string, number> = Object.fromEntries(
        entries.map(([name, weight]) => [name, Number(weight)]),
      );
      const valid =
        entries.length === names.length &&
        names.every((name) => Number.isFinite(weights[name]) && (weights[name] ?? -1) >= 0);
      if (!valid) {
        context.addIssue({ code: "custom", message: `expected "${names.map((name) => `${name}:<weight ≥ 0>`)}"` });
        return z.NEVER;
      }
      return weights;
    });
}

const optionalUrl = z.union([z.literal(""), z.url({ protocol: /^https?$/ })]).default("");
// "a, b ,c" → ["a", "b", "c"]; empty → [].
const list = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const configSchema = z
  .object({
    AI_PROVIDER: z.enum(["local", "workers-ai", "openai"]).default("local"),
    CHAT_MODEL: z.string().default(""),
    EMBEDDING_MODEL: z.string().default(""),
    RERANK_MODEL: z.string().default(""),
    EMBEDDING_DIMENSIONS: z.coerce.number().int().min(8).max(1536).default(768),
    OPENAI_BASE_URL: z.string().default(""),
    OPENAI_API_KEY: z.string().default(""),
    DEV_AUTH: flag,
    ALLOW_PRIVATE_URLS: flag,
    URL_FETCH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
    JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(604_800),
    JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
    JWT_JWKS_URL: optionalUrl,
    JWT_ISSUER: z.string().default(""),
    JWT_AUDIENCE: z.string().default(""),
    JWT_TENANT_CLAIM: z.string().min(1).default("tenant"),
    JWT_ROLE_CLAIM: z.string().min(1).default("role"),
    JWT_SUBJECT_CLAIM: z.string().min(1).default("sub"),
    JWT_GROUPS_CLAIM: z.string().min(1).default("groups"),
    JWT_DEFAULT_TENANT: z.union([z.literal(""), tenantSlugSchema]).default(""),
    JWT_ADMIN_GROUPS: list,
    CF_ACCESS_TEAM_DOMAIN: z
      .string()
      .regex(
        /^$|^[a-z0-9-]+\.cloudflareaccess\.com$/,
        "CF_ACCESS_TEAM_DOMAIN must look like <team>.cloudflareaccess.com",
      )
      .default(""),
    CF_ACCESS_AUD: z.string().default(""),
    CORS_ALLOWED_ORIGINS: list.pipe(
      z.array(z.url({ protocol: /^https?$/ }).transform((origin) => new URL(origin).origin)),
    ),
    TENANT_PROVISIONING: z.enum(["on-first-use", "explicit"]).default("on-first-use"),
    AUTH_SECRET: z
      .string({ error: "AUTH_SECRET must be set (a secret of at least 16 characters)" })
      .min(16, "AUTH_SECRET must be set to at least 16 characters"),
    MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(10_485_760),
    MAX_FILE_BYTES: z.coerce.number().int().positive().default(104_857_600),
    INGEST_SLICE_SIZE: z.coerce.number().int().min(1).max(1000).default(256),
    RECONCILE_AFTER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    CHUNK_TARGET_CHARS: z.coerce.number().int().min(200).max(8000).default(2000),
    CHUNK_OVERLAP_CHARS: z.coerce.number().int().min(0).max(2000).default(150),
    RETRIEVAL_TOP_K: z.coerce.number().int().min(1).max(20).default(6),
    LOCAL_ANSWER_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(0),
    RRF_K: z.coerce.number().min(0).max(1000).default(defaultRetrievalSettings.rrfK),
    FUSION_WEIGHTS: namedWeights(["fts", "vector"]),
    FTS_COLUMN_WEIGHTS: namedWeights(["title", "heading", "text"]),
    RETRIEVAL_CANDIDATES: z.coerce.number().int().min(1).max(100).default(defaultRetrievalSettings.candidates),
    FLAT_BM25_WEIGHT: z.coerce.number().min(0).max(100).default(defaultRetrievalSettings.flatFullTextWeight),
    RETRIEVAL_FEEDBACK: namedWeights(["chunks", "weight", "terms", "query", "vector"]),
    RERANKING: namedWeights(["candidates", "weight"]),
    RATE_LIMITS: z.enum(["on", "off"]).default("on"),
    ANSWER_CACHE: z.enum(["on", "off"]).default("on"),
  })
  .refine(
    (vars) => vars.RATE_LIMITS === "on" || vars.DEV_AUTH,
    "RATE_LIMITS=off is for local benchmarks only: it needs DEV_AUTH=true",
  )
  .refine(
    (vars) => (vars.CF_ACCESS_TEAM_DOMAIN === "") === (vars.CF_ACCESS_AUD === ""),
    "Cloudflare Access needs both CF_ACCESS_TEAM_DOMAIN and CF_ACCESS_AUD (the application's AUD tag), or neither",
  )
  // Fetching plain http and loopback addresses is for pages served on the developer's own machine; a deployment
  // (DEV_AUTH off) that asked for it would open the SSRF guard, so it refuses to start instead.
  .refine(
    (vars) => !vars.ALLOW_PRIVATE_URLS || vars.DEV_AUTH,
    "ALLOW_PRIVATE_URLS is for local runs only and cannot be on while DEV_AUTH is off",
  );

/** Which models to use; every field comes from a var so deployments switch without code changes. */
export interface ModelConfig {
  provider: "local" | "workers-ai" | "openai";
  /** Empty means the provider's default. */
  chatModel: string;
  embeddingModel: string;
  /** Empty means the provider's default reranker (none for `openai`); "none" turns reranking off. */
  rerankModel: string;
  embeddingDimensions: number;
  openaiBaseUrl: string;
  openaiApiKey: string;
}

export interface AppConfig {
  models: ModelConfig;
  devAuth: boolean;
  /** How URL documents and website sources are fetched: local runs may allow http and loopback; the timeout of a page. */
  urlFetch: { allowPrivate: boolean; timeoutMs: number };
  /** How bearer tokens are verified: the HS256 secret, an identity provider's JWKS, lifetime and claim rules. */
  tokens: TokenPolicy;
  /** Cloudflare Access in front of the Worker: its team domain and the application's audience tag; null when off. */
  cloudflareAccess: { teamDomain: string; audience: string } | null;
  /** Origins whose pages may call the API from a browser; empty: none but the app's own. */
  corsAllowedOrigins: string[];
  /** Whether a verified token's tenant is created on its first request, or only by an admin command. */
  tenantProvisioning: TenantProvisioning;
  /** Largest request body for a single-request upload; larger files go through multipart uploads. */
  maxUploadBytes: number;
  /** Largest file accepted at all (multipart uploads). */
  maxFileBytes: number;
  /** Chunks embedded per queue message; large documents fan out into several. */
  ingestSliceSize: number;
  /** Pending ingestion quiet for this long (no message, no progress) is sent to the queue again by the reconciler. */
  reconcileAfterSeconds: number;
  /** Chunk size the chunker aims for, and how much of the previous chunk the next repeats, in characters. */
  chunking: { targetChars: number; overlapChars: number };
  retrievalTopK: number;
  /** Fusion and BM25 knobs of hybrid retrieval. */
  retrieval: RetrievalSettings;
  /** Pause between the offline answer model's text deltas, to demo or test long answers. */
  answerDelayMs: number;
  /** False only for local benchmarks that send more than a person could (`RATE_LIMITS=off`, with dev auth). */
  rateLimits: boolean;
  /** Whether first-turn answers are cached and served again to the same question (`ANSWER_CACHE`). */
  answerCache: boolean;
}

// The bindings object of an isolate stays the same from request to request, so its config is read once.
const configs = new WeakMap<object, AppConfig>();

/** Reads and validates the Worker's vars and secrets; a misconfiguration fails loudly at the first request. */
export function readConfig(vars: object): AppConfig {
  const cached = configs.get(vars);
  if (cached) return cached;
  const config = parseConfig(vars);
  configs.set(vars, config);
  return config;
}

/**
 * The Worker's vars and secrets do not make a configuration; the message names each setting to fix (never a secret's
 * value), so the log of the first request says what is wrong.
 */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

function parseConfig(vars: object): AppConfig {
  const result = configSchema.safeParse(vars);
  if (!result.success) throw new ConfigurationError(`Invalid configuration:\n${z.prettifyError(result.error)}`);
  const parsed = result.data;
  return {
    models: {
      provider: parsed.AI_PROVIDER,
      chatModel: parsed.CHAT_MODEL,
      embeddingModel: parsed.EMBEDDING_MODEL,
      rerankModel: parsed.RERANK_MODEL,
      embeddingDimensions: parsed.EMBEDDING_DIMENSIONS,
      openaiBaseUrl: parsed.OPENAI_BASE_URL,
      openaiApiKey: parsed.OPENAI_API_KEY,
    },
    devAuth: parsed.DEV_AUTH,
    urlFetch: { allowPrivate: parsed.ALLOW_PRIVATE_URLS, timeoutMs: parsed.URL_FETCH_TIMEOUT_SECONDS * 1000 },
    tenantProvisioning: parsed.TENANT_PROVISIONING,
    corsAllowedOrigins: parsed.CORS_ALLOWED_ORIGINS,
    tokens: {
      secret: parsed.AUTH_SECRET,
      maxLifetimeSeconds: parsed.JWT_MAX_LIFETIME_SECONDS,
      clockSkewSeconds: parsed.JWT_CLOCK_SKEW_SECONDS,
      claims: {
        tenantClaim: parsed.JWT_TENANT_CLAIM,
        roleClaim: parsed.JWT_ROLE_CLAIM,
        subjectClaim: parsed.JWT_SUBJECT_CLAIM,
        groupsClaim: parsed.JWT_GROUPS_CLAIM,
        defaultTenant: parsed.JWT_DEFAULT_TENANT || null,
        adminGroups: parsed.JWT_ADMIN_GROUPS,
      },
      jwks: parsed.JWT_JWKS_URL
        ? { url: parsed.JWT_JWKS_URL, issuer: parsed.JWT_ISSUER || null, audience: parsed.JWT_AUDIENCE || null }
        : null,
    },
    cloudflareAccess:
      parsed.CF_ACCESS_TEAM_DOMAIN && parsed.CF_ACCESS_AUD
        ? { teamDomain: parsed.CF_ACCESS_TEAM_DOMAIN, audience: parsed.CF_ACCESS_AUD }
        : null,
    maxUploadBytes: parsed.MAX_UPLOAD_BYTES,
    maxFileBytes: parsed.MAX_FILE_BYTES,
    ingestSliceSize: parsed.INGEST_SLICE_SIZE,
    reconcileAfterSeconds: parsed.RECONCILE_AFTER_SECONDS,
    chunking: { targetChars: parsed.CHUNK_TARGET_CHARS, overlapChars: parsed.CHUNK_OVERLAP_CHARS },
    retrievalTopK: parsed.RETRIEVAL_TOP_K,
    retrieval: retrievalSettingsSchema.parse({
      rrfK: parsed.RRF_K,
      fusionWeights: parsed.FUSION_WEIGHTS
        ? { fullText: parsed.FUSION_WEIGHTS.fts ?? 0, vector: parsed.FUSION_WEIGHTS.vector ?? 0 }
        : defaultRetrievalSettings.fusionWeights,
      fullTextColumnWeights: parsed.FTS_COLUMN_WEIGHTS
        ? {
            title: parsed.FTS_COLUMN_WEIGHTS.title ?? 0,
            headingPath: parsed.FTS_COLUMN_WEIGHTS.heading ?? 0,
            text: parsed.FTS_COLUMN_WEIGHTS.text ?? 0,
          }
        : defaultRetrievalSettings.fullTextColumnWeights,
      candidates: parsed.RETRIEVAL_CANDIDATES,
      flatFullTextWeight: parsed.FLAT_BM25_WEIGHT,
      feedback: parsed.RETRIEVAL_FEEDBACK
        ? {
            chunks: parsed.RETRIEVAL_FEEDBACK.chunks,
            weight: parsed.RETRIEVAL_FEEDBACK.weight,
            expansionTerms: parsed.RETRIEVAL_FEEDBACK.terms,
            originalQueryWeight: parsed.RETRIEVAL_FEEDBACK.query,
            vectorShift: parsed.RETRIEVAL_FEEDBACK.vector,
          }
        : defaultRetrievalSettings.feedback,
      reranking: parsed.RERANKING
        ? { candidates: parsed.RERANKING.candidates, weight: parsed.RERANKING.weight }
        : defaultRetrievalSettings.reranking,
    }),
    answerDelayMs: parsed.LOCAL_ANSWER_DELAY_MS,
    rateLimits: parsed.RATE_LIMITS === "on",
    answerCache: parsed.ANSWER_CACHE === "on",
  };
}
