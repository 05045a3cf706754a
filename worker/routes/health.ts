import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { createServices } from "../services";

/** Liveness plus which models and vector index this deployment runs. */
export const healthRoutes = new Hono<AppEnv>().get("/", (c) => {
  const { models, vectorIndexName } = createServices(c.env, c.var.config);
  return c.json({
    status: "ok" as const,
    version: "0.1.0",
    devAuth: c.var.config.devAuth,
    models: { chat: models.chatModelId, embedding: models.embeddingModelId, offline: models.offline },
    vectorIndex: vectorIndexName,
    limits: { maxUploadBytes: c.var.config.maxUploadBytes },
  });
});
