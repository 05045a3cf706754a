import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/app-error";

// How soon an overloaded conversation is worth asking again, in seconds.
const overloadRetryAfterSeconds = 1;

/** True for the error a Durable Object's stub throws when too many requests are queued for the object. */
export function isOverloaded(error: unknown): boolean {
  return error instanceof Error && "overloaded" in error && error.overloaded === true;
}

/**
 * Calls a conversation's Durable Object. An object with more requests queued than it can take fails them as
 * `overloaded`; the client gets a 429 with `Retry-After` for those instead of a 500.
 */
export async function callConversation<Result>(c: Context<AppEnv>, call: () => Promise<Result>): Promise<Result> {
  try {
    return await call();
  } catch (error) {
    if (!isOverloaded(error)) throw error;
    console.warn("A conversation's Durable Object is overloaded", error);
    c.header("Retry-After", String(overloadRetryAfterSeconds));
    throw new AppError("rate_limited", "This conversation is getting too many requests at once; try again in a moment");
  }
}
