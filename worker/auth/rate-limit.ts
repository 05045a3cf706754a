import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/app-error";

/** The rate-limit bindings (wrangler.toml `[[ratelimits]]`), each with its limit per 60-second window. */
export type RateLimiterName = { [Name in keyof Env]-?: Env[Name] extends RateLimit ? Name : never }[keyof Env];

// The period of every binding's window, in seconds: when a refused request may be sent again at the latest.
const periodSeconds = 60;

/**
 * Counts a request against one rate-limit binding under the key `keyOf` names (a user, a tenant, an address), and
 * refuses it with 429 `rate_limited` and `Retry-After` once the key has used its window. A request `keyOf` has no
 * key for is not counted, nor any with `RATE_LIMITS=off` (local benchmarks). The binding counts per Cloudflare location, so a limit is per location, not global.
 */
export function rateLimit(binding: RateLimiterName, keyOf: (c: Context<AppEnv>) => string | null, refusal: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = c.var.services.config.rateLimits ? keyOf(c) : null;
    if (key !== null) {
      const { success } = await c.env[binding].limit({ key });
      if (!success) throw new AppError("rate_limited", refusal, { retryAfterSeconds: periodSeconds });
    }
    await next();
  });
}

/** The authenticated caller, within its tenant (after `requireRole`). */
export function perUser(c: Context<AppEnv>): string {
  return `${c.var.principal.tenantId}/${c.var.principal.subject}`;
}

/**
 * The client's address as Cloudflare saw it. Cloudflare always sets it; a request without it (a test calling the
 * Worker directly) is not counted per address.
 */
export function perAddress(c: Context<AppEnv>): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

/** Every address's share of the expensive routes, before anything else is spent on the request. */
export const addressRateLimit = rateLimit(
  "IP_RATE_LIMITER",
  perAddress,
  "Too many requests from your network in a short time; try again in a minute",
);

/** Each user's submissions of documents (uploads, batches, multipart uploads started). */
export const submissionRateLimit = rateLimit(
  "INGEST_RATE_LIMITER",
  perUser,
  "Too many documents submitted in a short time; try again in a minute, or send them in batches",
);
