import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../app-env";
import { AppError } from "../lib/app-error";
import { callConversation, isOverloaded } from "./conversation-call";

/** The error a Durable Object stub throws when the object's queue is full, as workerd marks it. */
function overloadedError(): Error {
  return Object.assign(new Error("Durable Object is overloaded. Too many requests queued."), { overloaded: true });
}

// A route that calls a conversation that fails with `failure`, behind an error handler like the app's.
function routeFailingWith(failure: Error) {
  const probe = new Hono<AppEnv>().get("/", (c) =>
    callConversation(c, async () => {
      throw failure;
    }),
  );
  probe.onError((error, c) =>
    error instanceof AppError
      ? c.json({ error: { code: error.code, message: error.message } }, error.status)
      : c.json({ error: { code: "internal_error", message: "Something went wrong" } }, 500),
  );
  return probe;
}

describe("callConversation", () => {
  it("turns an overloaded object into a 429 with Retry-After and the JSON error", async () => {
    const response = await routeFailingWith(overloadedError()).request("/");
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(await response.json()).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(/again/) } });
  });

  it("leaves other failures to the error handler", async () => {
    expect(isOverloaded(new Error("boom"))).toBe(false);
    expect(isOverloaded({ overloaded: true })).toBe(false);
    const response = await routeFailingWith(new Error("boom")).request("/");
    expect(response.status).toBe(500);
    expect(response.headers.get("Retry-After")).toBeNull();
  });
});
