import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./app-env";
import { ConfigurationError } from "./config";
import { type ApiErrorBody, type ErrorCode, errorCodes, errorStatuses } from "./contract";
import { AppError } from "./lib/app-error";
import { corsPolicy } from "./lib/cors-policy";
import { apiSecurityHeaders } from "./lib/security-headers";
import { auditRoutes } from "./routes/audit";
import { chatRoutes } from "./routes/chat";
import { collectionRoutes } from "./routes/collections";
import { conversationRoutes } from "./routes/conversations";
import { devTokenRoutes } from "./routes/dev-token";
import { documentRoutes } from "./routes/documents";
import { feedbackRoutes } from "./routes/feedback";
import { healthRoutes } from "./routes/health";
import { keyRoutes } from "./routes/keys";
import { searchRoutes } from "./routes/search";
import { sourceRoutes } from "./routes/sources";
import { tenantRoutes } from "./routes/tenant";
import { uploadRoutes } from "./routes/uploads";
import { usageRoutes } from "./routes/usage";
import { webhookRoutes } from "./routes/webhooks";
import { servicesOf } from "./services";

// The code of an HTTP error Hono raised itself (e.g. malformed JSON is a 400): the code of that status.
// The first code of each status is its general meaning (429: rate_limited, not budget_exhausted).
const codeOfStatus = new Map<number, ErrorCode>(errorCodes.toReversed().map((code) => [errorStatuses[code], code]));

const errorBody = (code: ErrorCode, message: string): ApiErrorBody => ({ error: { code, message } });

/** The API: one Hono app, one sub-app per resource, one error path. */
export const app = new Hono<AppEnv>()
  .basePath("/api")
  // Cloudflare's ray id names the request in its logs too; locally a random id does.
  .use(requestId({ generator: (c) => c.req.header("cf-ray") ?? crypto.randomUUID(), limitLength: 64 }))
  // The isolate's services; their parts are built on first use.
  .use(async (c, next) => {
    c.set("services", servicesOf(c.env));
    await next();
  })
  .use(apiSecurityHeaders)
  .use(corsPolicy<AppEnv>((c) => c.var.services.config.corsAllowedOrigins))
  // A method no route answers (TRACE, PROPFIND, …) is a 405 on every path, before authentication asks for a token;
  // a CORS preflight (OPTIONS) has been answered above when CORS_ALLOWED_ORIGINS allows any.
  .use(async (c, next) => {
    const allowed = methodsServed();
    if (allowed.includes(c.req.method)) return next();
    const message = `${c.req.method} is not supported; the API answers ${allowed.join(", ")}`;
    return c.json(errorBody("method_not_allowed", message), 405, { Allow: allowed.join(", ") });
  })
  .route("/health", healthRoutes)
  .route("/dev/token", devTokenRoutes)
  .route("/tenant", tenantRoutes)
  .route("/keys", keyRoutes)
  .route("/usage", usageRoutes)
  .route("/audit", auditRoutes)
  .route("/webhooks", webhookRoutes)
  .route("/sources", sourceRoutes)
  .route("/chat", chatRoutes)
  .route("/conversations", conversationRoutes)
  .route("/feedback", feedbackRoutes)
  .route("/search", searchRoutes)
  .route("/documents", documentRoutes)
  .route("/collections", collectionRoutes)
  .route("/uploads", uploadRoutes);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));

app.onError((error, c) => {
  if (error instanceof AppError) {
    if (error.retryAfterSeconds !== null) c.header("Retry-After", String(error.retryAfterSeconds));
    return c.json(errorBody(error.code, error.message), error.status);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = codeOfStatus.get(error.status) ?? "invalid_request";
    return c.json(errorBody(code, error.message || "The request is not valid"), error.status);
  }
  if (error instanceof ConfigurationError) {
    console.error(`${c.req.method} ${c.req.path}: ${error.message}`);
    return c.json(
      errorBody("internal_error", "The server's configuration is invalid; its log says which setting to fix"),
      500,
    );
  }
  console.error("Unhandled error", c.req.method, c.req.path, error);
  return c.json(errorBody("internal_error", "Something went wrong on our side; the error has been logged"), 500);
});

let servedMethods: string[] | undefined;

/** The methods some route answers (HEAD comes with GET), read from the routes once they are all registered. */
function methodsServed(): string[] {
  servedMethods ??= [
    ...new Set(app.routes.flatMap((route) => (route.method === "ALL" ? [] : [route.method]))).add("HEAD"),
  ].sort();
  return servedMethods;
}

export type AppType = typeof app;
