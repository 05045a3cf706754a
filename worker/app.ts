import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env";
import { readConfig } from "./config";
import type { ApiErrorBody } from "./contract";
import { AppError } from "./lib/app-error";
import { chatRoutes } from "./routes/chat";
import { conversationRoutes } from "./routes/conversations";
import { devTokenRoutes } from "./routes/dev-token";
import { documentRoutes } from "./routes/documents";
import { healthRoutes } from "./routes/health";
import { searchRoutes } from "./routes/search";
import { uploadRoutes } from "./routes/uploads";

const statusCodes: Partial<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "rate_limited",
};

const errorBody = (code: string, message: string): ApiErrorBody => ({ error: { code, message } });

/** The API: one Hono app, one sub-app per resource, one error path. */
export const app = new Hono<AppEnv>()
  .basePath("/api")
  .use(async (c, next) => {
    c.set("config", readConfig(c.env));
    await next();
  })
  .route("/health", healthRoutes)
  .route("/dev/token", devTokenRoutes)
  .route("/chat", chatRoutes)
  .route("/conversations", conversationRoutes)
  .route("/search", searchRoutes)
  .route("/documents", documentRoutes)
  .route("/uploads", uploadRoutes);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));

app.onError((error, c) => {
  if (error instanceof AppError) return c.json(errorBody(error.code, error.message), error.status);
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(errorBody(statusCodes[error.status] ?? "bad_request", error.message || "Bad request"), error.status);
  }
  console.error("Unhandled error", c.req.method, c.req.path, error);
  return c.json(errorBody("internal_error", "Something went wrong on our side; the error has been logged"), 500);
});

export type AppType = typeof app;
