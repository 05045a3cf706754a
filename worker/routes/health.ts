import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { maxQuestionCharacters } from "../contract";

/** Liveness plus which models and vector index this deployment runs. */
export const healthRoutes = new Hono<AppEnv>().get("/", (c) => {
  const { models, vectorIndexName, config } = c.var.services;
  return c.json({
    status: "ok" as const,
    version: "0.1.0",
    devAuth: config.devAuth,
    models: { chat: models.chatModelId, embedding: models.embeddingModelId, offline: models.offline },
    vectorIndex: vectorIndexName,
    limits: { maxUploadBytes: config.maxUploadBytes, maxQuestionCharacters },
  });
});
