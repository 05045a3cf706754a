import { describe, expect, it } from "vitest";
import type { ApiKeyView, DocumentView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant, uploadFile } from "../support/api";

async function createKey(admin: string, name: string, role: string): Promise<{ key: ApiKeyView; secret: string }> {
  const response = await postJson("/api/keys", { name, role }, admin);
  expect(response.status).toBe(201);
  return response.json();
}

const question = (text: string) => ({
  id: `c-${crypto.randomUUID().slice(0, 8)}`,
  message: { id: "m1", role: "user", parts: [{ type: "text", text }] },
});

describe("API keys", () => {
  it("shows the secret once, lists keys without it, and the key works as a bearer token", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const { key, secret } = await createKey(admin, "CMS sync", "member");
    expect(secret).toMatch(/^rag_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: "CMS sync", role: "member", revokedAt: null, lastUsedAt: null });
    expect(secret.startsWith(key.prefix.replace("…", ""))).toBe(true);

    const listed = await call("/api/keys", { token: admin });
    const listText = await listed.text();
    expect(listText).not.toContain(secret.slice(-43));
    expect(JSON.parse(listText).keys).toEqual([expect.objectContaining({ id: key.id, name: "CMS sync" })]);

    const search = await postJson("/api/search", { query: "anything" }, secret);
    expect(search.status).toBe(200);
    // The use is recorded (in the background, so wait for it).
    await expect
      .poll(async () => {
        const { keys } = await (await call("/api/keys", { token: admin })).json<{ keys: ApiKeyView[] }>();
        return keys[0]?.lastUsedAt ?? null;
      })
      .not.toBeNull();
  });

  it("stops working at once when revoked, and a revoked key stays revoked", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const { key, secret } = await createKey(admin, "old", "admin");
    expect((await call("/api/documents", { token: secret })).status).toBe(200);

    const revoked = await call(`/api/keys/${key.id}`, { method: "DELETE", token: admin });
    expect(revoked.status).toBe(200);
    const { key: view } = await revoked.json<{ key: ApiKeyView }>();
    expect(view.revokedAt).not.toBeNull();

    const refused = await call("/api/documents", { token: secret });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "unauthorized" } });
    const again = await call(`/api/keys/${key.id}`, { method: "DELETE", token: admin });
    expect((await again.json<{ key: ApiKeyView }>()).key.revokedAt).toBe(view.revokedAt);
  });

  it("refuses forged, malformed and other tenants' keys", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const { key, secret } = await createKey(admin, "real", "admin");
    const forged = `${secret.slice(0, -4)}AAAA`;
    for (const bearer of [forged, "rag_", "rag_0123456789abcdef_short", `rag_${"f".repeat(16)}_${"A".repeat(43)}`]) {
      expect((await call("/api/documents", { token: bearer })).status, bearer).toBe(401);
    }
    const otherAdmin = await devToken("admin", uniqueTenant());
    expect((await call(`/api/keys/${key.id}`, { method: "DELETE", token: otherAdmin })).status).toBe(404);
    const { keys } = await (await call("/api/keys", { token: otherAdmin })).json<{ keys: ApiKeyView[] }>();
    expect(keys).toEqual([]);
    // The key acts for its own tenant only: it lists that tenant's keys, not the other's.
    const own = await (await call("/api/keys", { token: secret })).json<{ keys: ApiKeyView[] }>();
    expect(own.keys.map((listed) => listed.id)).toEqual([key.id]);
  });

  it("gives a member key member rights and an ingest key no chat, search or listing", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const member = (await createKey(admin, "bot", "member")).secret;
    expect((await call("/api/documents", { token: member })).status).toBe(403);
    expect((await call("/api/keys", { token: member })).status).toBe(403);
    const chat = await postJson("/api/chat", question("Hello?"), member);
    expect(chat.status).toBe(200);
    await chat.text();

    const ingest = (await createKey(admin, "pipeline", "ingest")).secret;
    expect((await postJson("/api/chat", question("Hello?"), ingest)).status).toBe(403);
    expect((await postJson("/api/search", { query: "x" }, ingest)).status).toBe(403);
    expect((await call("/api/documents", { token: ingest })).status).toBe(403);
    expect((await call("/api/conversations", { token: ingest })).status).toBe(403);
    expect((await call("/api/keys", { token: ingest })).status).toBe(403);
  });

  it("lets an ingest key submit and delete documents, through every intake route", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const ingest = (await createKey(admin, "pipeline", "ingest")).secret;
    const uploaded = await uploadFile(ingest, "leave.md", "# Leave\n\nThirty days a year.");
    expect(uploaded.status).toBe(202);
    const { document } = await uploaded.json<{ document: DocumentView }>();
    const batch = await postJson(
      "/api/documents/batch",
      { documents: [{ externalId: "cms/1", title: "One", text: "First text." }] },
      ingest,
    );
    expect(batch.status).toBe(202);
    const multipart = await postJson("/api/uploads", { filename: "big.md", size: 10 }, ingest);
    expect(multipart.status).toBe(201);
    // Reading, re-ingesting and re-embedding stay with admins.
    expect((await call(`/api/documents/${document.id}`, { token: ingest })).status).toBe(403);
    expect((await postJson(`/api/documents/${document.id}/reingest`, {}, ingest)).status).toBe(403);
    expect((await postJson("/api/documents/reembed", {}, ingest)).status).toBe(403);
    const deleted = await call(`/api/documents/${document.id}`, { method: "DELETE", token: ingest });
    expect(deleted.status).toBe(202);
  });

  it("validates names and roles, and only admins manage keys", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    for (const body of [
      { name: "", role: "member" },
      { name: "x", role: "owner" },
      { name: "a\u0000b", role: "member" },
    ]) {
      const response = await postJson("/api/keys", body, admin);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await postJson("/api/keys", { name: "x", role: "member" }, await devToken("member", tenant))).status).toBe(
      403,
    );
    expect((await call("/api/keys/not-a-key-id", { method: "DELETE", token: admin })).status).toBe(400);
  });
});
