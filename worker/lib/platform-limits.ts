/**
 * The limits of the Cloudflare platform that batched work is shaped by, in one place (design §9). Code that groups
 * items for a call takes its group size from here, through `inGroups`, instead of writing the number again.
 */
export const platformLimits = {
  d1: {
    /** Bound parameters in one statement. */
    boundParameters: 100,
    /** Terms of one compound SELECT (`UNION ALL`). */
    compoundSelectTerms: 5,
    /** Bytes of SQL text in one statement. */
    statementBytes: 100_000,
    /**
     * Statements we send in one `batch()` round trip (one transaction). D1 sets no lower limit; this keeps a round
     * trip well inside a request's time and memory.
     */
    statementsPerBatch: 50,
  },
  queues: {
    /** Messages in one `sendBatch`. */
    sendBatchMessages: 100,
  },
  vectorize: {
    /** Vectors in one upsert or ids in one delete. */
    writeBatch: 1000,
    /** Results of one query without values or all metadata; 20 with them. */
    topK: 100,
    topKWithMetadata: 20,
    /** Bytes of one vector id. */
    idBytes: 64,
    /** Dimensions of one vector. */
    dimensions: 1536,
    /** Bytes of one vector's metadata, as JSON. */
    metadataBytes: 10 * 1024,
    /** Bytes of one query's metadata filter, as JSON (the filter must stay under it). */
    filterBytes: 2048,
    /** Characters of one metadata property name in a filter. */
    filterKeyLength: 512,
  },
  r2: {
    /** Keys in one `delete()`. */
    deleteKeys: 1000,
  },
} as const;

/** Ids one `IN (…)` list binds, leaving room for the statement's other parameters (tenant, status, …). */
export const idsPerStatement = platformLimits.d1.boundParameters - 10;
