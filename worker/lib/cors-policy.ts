import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * Cross-origin access is closed unless `CORS_ALLOWED_ORIGINS` lists origins: then those (and only those) may call the
 * API from a browser, with the Authorization header. No cookies are used, so credentials stay off.
 */
export const corsPolicy = createMiddleware<AppEnv>(async (c, next) => {
  const allowed = c.var.services.config.corsAllowedOrigins;
  if (allowed.length === 0) return next();
  return cors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID"],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    maxAge: 600,
  })(c, next);
});
