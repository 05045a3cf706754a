import { describe, expect, it } from "vitest";
import { createApiClient, readBody } from "./api-client.ts";
import { ApiError, describeError } from "./api-error.ts";

/** A server that answers every call with `response` and records the requests. */
function serverAnswering(response: () => Response) {
  const requests: Request[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    requests.push(new Request(input, init));
    return response();
  };
  return { requests, fetch };
}

describe("the API client", () => {
  it("sends the token and reads the body of a success", async () => {
    const { requests, fetch } = serverAnswering(() => Response.json({ token: "t", tenant: "acme", role: "admin" }));
    const api = createApiClient({ baseUrl: "http://server.test", token: "secret", fetch });

    expect(await readBody(api.dev.token.$post({ json: { role: "admin", tenant: "acme" } }))).toEqual({
      token: "t",
      tenant: "acme",
      role: "admin",
    });
    expect(requests[0]?.url).toBe("http://server.test/api/dev/token");
    expect(requests[0]?.headers.get("Authorization")).toBe("Bearer secret");
  });

  it("turns an error answer into an ApiError with its code, message, status and Retry-After", async () => {
    const body = { error: { code: "rate_limited", message: "Too many questions; wait a minute" } };
    const { fetch } = serverAnswering(() => Response.json(body, { status: 429, headers: { "Retry-After": "42" } }));
    const api = createApiClient({ baseUrl: "http://server.test", fetch });

    const failure = await readBody(api.health.$get()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      code: "rate_limited",
      message: "Too many questions; wait a minute",
      status: 429,
      retryAfterSeconds: 42,
    });
  });

  it("says what a page from something in front of the API said, briefly", async () => {
    const short = await ApiError.fromResponse(new Response("Bad gateway", { status: 502 }));
    expect(short).toMatchObject({ code: "unreadable_response", message: "Bad gateway", status: 502 });
    const page = `<html>${"x".repeat(500)}</html>`;
    const long = await ApiError.fromResponse(new Response(page, { status: 503, statusText: "Service Unavailable" }));
    expect(long).toMatchObject({ message: "Service Unavailable", retryAfterSeconds: null });
  });
});

describe("describeError", () => {
  it("gives an API error's message, and unwraps an error body the AI SDK put in a message", () => {
    expect(describeError(new ApiError(404, "not_found", "Document not found"))).toBe("Document not found");
    const body = JSON.stringify({ error: { code: "budget_exhausted", message: "The daily budget is used" } });
    expect(describeError(new Error(body))).toBe("The daily budget is used");
    expect(describeError(new TypeError("Failed to fetch"))).toBe("Network error: Failed to fetch");
  });
});
