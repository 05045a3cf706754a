import type { Context, Env, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/**
 * Cross-origin access is closed unless `allowedOrigins` (the deployment's `CORS_ALLOWED_ORIGINS`) lists origins: then
 * those (and only those) may call the API from a browser, with the Authorization header. No cookies are used, so
 * credentials stay off.
 */
export function corsPolicy<E extends Env>(allowedOrigins: (c: Context<E>) => readonly string[]): MiddlewareHandler<E> {
  return async (c, next) => {
    const allowed = allowedOrigins(c);
    if (allowed.length === 0) return next();
    return cors({
      origin: (origin) => (allowed.includes(origin) ? origin : null),
      allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
      maxAge: 600,
    })(c, next);
  };
}
