import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signToken } from "../../worker/auth/token";
import { call, devToken, postJson, uniqueTenant, uploadFile } from "../support/api";

async function expectError(response: Response, status: number, code?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.message).not.toMatch(/\bat .+:\d+:\d+/);
  if (code) expect(body.error.code).toBe(code);
}

const question = { id: "c1", message: { id: "m1", role: "user", parts: [{ type: "text", text: "Hello?" }] } };

describe("bad input gets a clear 4xx error", () => {
  it("401 without a token, with a forged token and with an expired token", async () => {
    await expectError(await postJson("/api/search", { query: "x" }), 401, "unauthorized");
    await expectError(await postJson("/api/search", { query: "x" }, "not.a.jwt"), 401, "unauthorized");
    const forged = await signToken({ tenantId: "demo", role: "admin", subject: "x" }, "another-secret-entirely", 60);
    await expectError(await postJson("/api/search", { query: "x" }, forged), 401, "unauthorized");
    const expired = await signToken({ tenantId: "demo", role: "admin", subject: "x" }, env.AUTH_SECRET, -60);
    await expectError(await postJson("/api/search", { query: "x" }, expired), 401, "unauthorized");
    await expectError(await postJson("/api/chat", question), 401, "unauthorized");
  });

  it("403 for a member on an admin route", async () => {
    const member = await devToken("member", uniqueTenant());
    await expectError(await call("/api/documents", { token: member }), 403, "forbidden");
    await expectError(await uploadFile(member, "a.md", "# A"), 403, "forbidden");
  });

  it("400 for malformed JSON and for bodies that fail the schema", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const malformed = await call("/api/search", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"query": ',
      token: admin,
    });
    // One code per meaning: malformed JSON and a schema failure are both invalid_request.
    await expectError(malformed, 400, "invalid_request");
    await expectError(await postJson("/api/search", { query: "" }, admin), 400, "invalid_request");
    await expectError(await postJson("/api/search", { query: "x", topK: 101 }, admin), 400, "invalid_request");
    await expectError(await postJson("/api/chat", { ...question, id: "bad id!" }, admin), 400, "invalid_request");
    await expectError(
      await postJson("/api/chat", { id: "c1", message: { role: "user" } }, admin),
      400,
      "invalid_request",
    );
    await expectError(await postJson("/api/documents/batch", { documents: [] }, admin), 400, "invalid_request");
    await expectError(await postJson("/api/dev/token", { role: "owner", tenant: "demo" }), 400, "invalid_request");
    await expectError(
      await postJson("/api/dev/token", { role: "admin", tenant: "Not A Slug" }),
      400,
      "invalid_request",
    );
    await expectError(await call("/api/documents", { method: "POST", body: new FormData(), token: admin }), 400);
  });

  it("names the invalid field by its path, without the validator's symbols", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const tooLong = {
      ...question,
      message: { ...question.message, parts: [{ type: "text", text: "x".repeat(8001) }] },
    };
    const response = await postJson("/api/chat", tooLong, admin);
    expect(response.status).toBe(400);
    const { error } = await response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("invalid_request");
    expect(error.message).toMatch(/^message\.parts\[0\]\.text: /);
    expect(error.message).not.toContain("✖");
    // The SPA shows this message as it is: it says how long the question is and what the limit is.
    expect(error.message).toContain("Your question is 8,001 characters; the limit is 8,000.");
  });

  it("413 for an upload over the size limit, 415 for an unsupported type", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const limit = Number(env.MAX_UPLOAD_BYTES);
    await expectError(await uploadFile(admin, "big.md", "x".repeat(limit + 1)), 413, "payload_too_large");
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    await expectError(await uploadFile(admin, "image.png", png, "image/png"), 415, "unsupported_media_type");
    // Renaming it does not fool the sniffing.
    await expectError(await uploadFile(admin, "notes.md", png, "text/markdown"), 415, "unsupported_media_type");
  });

  it("404 for unknown routes and unknown documents", async () => {
    const admin = await devToken("admin", uniqueTenant());
    await expectError(await call("/api/nothing-here"), 404, "not_found");
    await expectError(await call("/api/documents/unknown-id", { token: admin }), 404, "not_found");
    await expectError(await call("/api/conversations/unknown", { token: admin }), 404, "not_found");
  });

  it("searches cleanly whatever the query syntax", async () => {
    const admin = await devToken("admin", uniqueTenant());
    for (const query of ['"foo" AND (bar', "NEAR(", "*", "-x OR", "col:val", "🙂", "'; DROP TABLE chunks; --"]) {
      const response = await postJson("/api/search", { query }, admin);
      expect(response.status, query).toBe(200);
    }
  });
});
