import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { call } from "../support/api";

async function callWith(vars: Record<string, string>, path: string, init: RequestInit = {}) {
  const context = createExecutionContext();
  const response = await app.fetch(new Request(`https://rag.test${path}`, init), { ...env, ...vars }, context);
  await waitOnExecutionContext(context);
  return response;
}

describe("browser policy of the API", () => {
  it("sends security headers on answers and on errors", async () => {
    for (const response of [await call("/api/health"), await call("/api/nothing"), await call("/api/documents")]) {
      expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    }
  });

  it("is closed to other origins by default", async () => {
    const preflight = await call("/api/search", {
      method: "OPTIONS",
      headers: { Origin: "https://elsewhere.test", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await call("/api/health", { headers: { Origin: "https://elsewhere.test" } });
    expect(simple.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("opens to exactly the origins in CORS_ALLOWED_ORIGINS", async () => {
    const vars = { CORS_ALLOWED_ORIGINS: "https://portal.acme.test, https://intranet.acme.test/" };
    const preflight = await callWith(vars, "/api/search", {
      method: "OPTIONS",
      headers: {
        Origin: "https://intranet.acme.test",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://intranet.acme.test");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const allowed = await callWith(vars, "/api/health", { headers: { Origin: "https://portal.acme.test" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://portal.acme.test");
    const refused = await callWith(vars, "/api/health", { headers: { Origin: "https://evil.test" } });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});
