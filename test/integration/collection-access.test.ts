import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signToken } from "../../worker/auth/token";
import type { ApiKeyView, AuditEntryView, CollectionView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant } from "../support/api";

function putAccess(admin: string, name: string, body: unknown): Promise<Response> {
  return call(`/api/collections/${encodeURIComponent(name)}/access`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    token: admin,
  });
}

async function collections(admin: string): Promise<CollectionView[]> {
  const response = await call("/api/collections", { token: admin });
  expect(response.status).toBe(200);
  return (await response.json<{ collections: CollectionView[] }>()).collections;
}

describe("collection access: the admin API", () => {
  it("lists the collections in use with document counts, and sets who may read each, audited", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const batch = await postJson(
      "/api/documents/batch",
      {
        documents: [
          { externalId: "a", text: "# A\n\nOne.", collection: "hr" },
          { externalId: "b", text: "# B\n\nTwo.", collection: "hr" },
          { externalId: "c", text: "# C\n\nThree." },
        ],
      },
      admin,
    );
    expect(batch.status).toBe(202);
    expect(await collections(admin)).toEqual([
      { name: "default", documents: 1, readableBy: null, accessUpdatedAt: null, accessUpdatedBy: null },
      { name: "hr", documents: 2, readableBy: null, accessUpdatedAt: null, accessUpdatedBy: null },
    ]);

    const restricted = await putAccess(admin, "hr", { readableBy: ["hr-team", "leadership"] });
    expect(restricted.status).toBe(200);
    const { collection } = await restricted.json<{ collection: CollectionView }>();
    expect(collection).toMatchObject({ name: "hr", documents: 2, readableBy: ["hr-team", "leadership"] });
    expect(collection.accessUpdatedBy).toBe("dev-admin");
    // Access can be set before a collection has documents, so its first document is never readable by all.
    expect((await putAccess(admin, "board minutes", { readableBy: [] })).status).toBe(200);
    expect(
      (await collections(admin)).map(({ name, documents, readableBy }) => ({ name, documents, readableBy })),
    ).toEqual([
      { name: "board minutes", documents: 0, readableBy: [] },
      { name: "default", documents: 1, readableBy: null },
      { name: "hr", documents: 2, readableBy: ["hr-team", "leadership"] },
    ]);
    // Back to the whole tenant.
    const opened = await putAccess(admin, "hr", { readableBy: null });
    expect((await opened.json<{ collection: CollectionView }>()).collection.readableBy).toBeNull();

    await expect
      .poll(async () => {
        const response = await call("/api/audit?action=collection.access", { token: admin });
        const { entries } = await response.json<{ entries: AuditEntryView[] }>();
        return entries.map((entry) => `${entry.targetId} ${entry.outcome}`);
      })
      .toEqual(["hr success", "board minutes success", "hr success"]);
  });

  it("refuses malformed access and is for admins only", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    for (const body of [{}, { readableBy: "hr" }, { readableBy: [""] }, { readableBy: Array(101).fill("g") }]) {
      const response = await putAccess(admin, "hr", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
    expect((await putAccess(admin, "x".repeat(65), { readableBy: null })).status).toBe(400);
    const member = await signToken(
      { tenantId: tenant, role: "member", subject: "ada", groups: ["hr"] },
      env.AUTH_SECRET,
      600,
    );
    expect((await call("/api/collections", { token: member })).status).toBe(403);
    expect((await putAccess(member, "hr", { readableBy: null })).status).toBe(403);
  });

  it("gives an API key the groups it was created with", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const created = await postJson("/api/keys", { name: "hr bot", role: "member", groups: ["hr-team"] }, admin);
    expect(created.status).toBe(201);
    expect((await created.json<{ key: ApiKeyView }>()).key.groups).toEqual(["hr-team"]);
    const plain = await postJson("/api/keys", { name: "bot", role: "member" }, admin);
    expect((await plain.json<{ key: ApiKeyView }>()).key.groups).toEqual([]);
    const bad = await postJson("/api/keys", { name: "bot", role: "member", groups: ["a\nb"] }, admin);
    expect(bad.status).toBe(400);
  });
});
