/** Vars that an environment variable of the same name overrides when running locally (`AI_PROVIDER=openai npm start`). */
const overridableVars = [
  "AI_PROVIDER",
  "CHAT_MODEL",
  "EMBEDDING_MODEL",
  "EMBEDDING_DIMENSIONS",
  "OPENAI_BASE_URL",
  "DEV_AUTH",
  "ALLOW_PRIVATE_URLS",
  "URL_FETCH_TIMEOUT_SECONDS",
  "MAX_UPLOAD_BYTES",
  "MAX_FILE_BYTES",
  "INGEST_SLICE_SIZE",
  "CHUNK_TARGET_CHARS",
  "CHUNK_OVERLAP_CHARS",
  "RETRIEVAL_TOP_K",
  "LOCAL_ANSWER_DELAY_MS",
  "RRF_K",
  "FUSION_WEIGHTS",
  "FTS_COLUMN_WEIGHTS",
  "RETRIEVAL_CANDIDATES",
  "FLAT_BM25_WEIGHT",
  "RETRIEVAL_FEEDBACK",
  "RERANK_MODEL",
  "RERANKING",
  "RATE_LIMITS",
  "RECONCILE_AFTER_SECONDS",
  "ANSWER_CACHE",
];

/** The overridable vars that `environment` sets (to a non-empty value), by name. */
export function varOverrides(environment: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    overridableVars.flatMap((name) => {
      const value = environment[name];
      return value ? [[name, value]] : [];
    }),
  );
}
