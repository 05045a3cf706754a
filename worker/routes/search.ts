import { Hono } from "hono";
import { setMetric, timing } from "hono/timing";
import type { AppEnv } from "../app-env";
import { unreadableCollections } from "../auth/collection-access";
import { addressRateLimit, perUser, rateLimit } from "../auth/rate-limit";
import { requireRole } from "../auth/require-role";
import { type RetrievalStageTimings, searchRequestSchema } from "../contract";
import { AppError } from "../lib/app-error";
import { validate } from "../lib/validate";
import { retrieveChunks } from "../rag/hybrid-retrieve";

/** Retrieval only: the ranked chunks a chat answer would be grounded on, and where the time went. */
export const searchRoutes = new Hono<AppEnv>().post(
  "/",
  // `Server-Timing`: the whole request in the Worker (`total`) and each retrieval stage, as in the body's `timings`.
  timing({ totalDescription: "In the Worker" }),
  addressRateLimit,
  requireRole("member"),
  validate("json", searchRequestSchema),
  rateLimit("SEARCH_RATE_LIMITER", perUser, "Too many searches in a short time; try again in a minute"),
  async (c) => {
    const { query, topK, filter, mode, retrieval } = c.req.valid("json");
    // Single-ranker modes and other settings exist for evaluation; members always get what chat uses.
    if (c.var.principal.role !== "admin") {
      if (mode !== "hybrid") throw new AppError("forbidden", `mode "${mode}" needs the admin role`);
      if (retrieval !== undefined) throw new AppError("forbidden", "retrieval settings need the admin role");
    }
    const { chunkSearch, vectorIndex, models, config, db } = c.var.services;
    const { tenantId } = c.var.principal;
    const started = performance.now();
    const stages: RetrievalStageTimings = {};
    const results = await retrieveChunks(
      {
        chunkSearch,
        vectorIndex,
        embedding: models.embedding,
        reranker: models.reranker,
        settings: { ...config.retrieval, ...retrieval },
      },
      {
        tenantId,
        query,
        topK,
        filter,
        mode,
        unreadableCollections: await unreadableCollections(db, tenantId, c.var.principal),
        stageTimings: stages,
      },
    );
    const retrievalMs = performance.now() - started;
    setMetric(c, "retrieval", retrievalMs);
    for (const [stage, milliseconds] of Object.entries(stages)) {
      if (milliseconds !== undefined) setMetric(c, stage, milliseconds);
    }
    return c.json({ results, timings: { retrievalMs, stages } });
  },
);
