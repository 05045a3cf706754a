import { describe, expect, it } from "vitest";
import { call } from "../support/api";

describe("methods the API does not answer", () => {
  it.each(["TRACE", "PROPFIND"])("%s gets a 405 JSON error that lists the methods it does answer", async (method) => {
    for (const path of ["/api/health", "/api/documents", "/api/nothing-here"]) {
      const response = await call(path, { method });
      expect(response.status).toBe(405);
      const allowed = response.headers.get("Allow")?.split(", ");
      expect(allowed).toEqual(expect.arrayContaining(["DELETE", "GET", "HEAD", "PATCH", "POST"]));
      expect(allowed).not.toContain(method);
      expect(await response.json()).toEqual({
        error: { code: "method_not_allowed", message: expect.stringContaining(`${method} is not supported`) },
      });
    }
  });

  it("an unknown path with a method the API answers is still a 404", async () => {
    const response = await call("/api/nothing-here", { method: "DELETE" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});
