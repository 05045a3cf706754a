import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { searchRequestSchema } from "../contract";
import { validate } from "../lib/validate";
import { retrieveChunks } from "../rag/hybrid-retrieve";
import { createServices } from "../services";

/** Retrieval only: the ranked chunks a chat answer would be grounded on. */
export const searchRoutes = new Hono<AppEnv>().post(
  "/",
  requireRole("member"),
  validate("json", searchRequestSchema),
  async (c) => {
    const { query, topK } = c.req.valid("json");
    const { db, vectorIndex, models } = createServices(c.env, c.var.config);
    const results = await retrieveChunks(
      { db, vectorIndex, embedding: models.embedding },
      { tenantId: c.var.principal.tenantId, query, topK },
    );
    return c.json({ results });
  },
);
