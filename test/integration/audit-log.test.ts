import { describe, expect, it } from "vitest";
import type { AuditEntryView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant, uploadFile, waitForDocument } from "../support/api";
import { fakeSiteForEachTest } from "../support/fake-site";
import { uploadInParts } from "../support/uploads";

async function auditEntries(
  admin: string,
  query = "",
): Promise<{ entries: AuditEntryView[]; nextCursor: number | null }> {
  const response = await call(`/api/audit${query}`, { token: admin });
  expect(response.status).toBe(200);
  return response.json();
}

/** Waits for the background audit write of an action. */
async function waitForEntry(admin: string, action: string): Promise<AuditEntryView> {
  let found: AuditEntryView | undefined;
  await expect
    .poll(async () => {
      found = (await auditEntries(admin, `?action=${action}`)).entries[0];
      return found !== undefined;
    })
    .toBe(true);
  if (!found) throw new Error(`no ${action} entry`);
  return found;
}

const site = fakeSiteForEachTest();

describe("the audit log", () => {
  it("records key creation and revocation with actor, role, target, request id and outcome", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const created = await postJson("/api/keys", { name: "sync", role: "ingest" }, admin);
    const { key } = await created.json<{ key: { id: string } }>();
    const entry = await waitForEntry(admin, "key.create");
    expect(entry).toMatchObject({
      actor: "dev-admin",
      actorRole: "admin",
      action: "key.create",
      targetType: "key",
      targetId: key.id,
      outcome: "success",
      status: 201,
    });
    expect(entry.requestId).toBe(created.headers.get("x-request-id"));

    await call(`/api/keys/${key.id}`, { method: "DELETE", token: admin });
    expect(await waitForEntry(admin, "key.revoke")).toMatchObject({ targetId: key.id, outcome: "success" });
    await call("/api/keys/0123456789abcdef", { method: "DELETE", token: admin });
    await expect
      .poll(async () => (await auditEntries(admin, "?action=key.revoke&outcome=failure")).entries[0]?.status)
      .toBe(404);
  });

  it("records development sign-ins, budget changes, tenant saves and refused actions", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    expect(await waitForEntry(admin, "dev-token.issue")).toMatchObject({ targetId: tenant, actor: "dev-admin" });

    await call("/api/usage/budget", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ dailyTokens: 1000 }),
      token: admin,
    });
    expect(await waitForEntry(admin, "budget.set")).toMatchObject({ outcome: "success" });
    await call("/api/tenant", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Acme" }),
      token: admin,
    });
    expect(await waitForEntry(admin, "tenant.save")).toMatchObject({ targetType: "tenant", targetId: tenant });

    const member = await devToken("member", tenant);
    expect((await call("/api/keys", { token: member })).status).toBe(403);
    expect(await waitForEntry(admin, "access.denied")).toMatchObject({
      actor: "dev-member",
      actorRole: "member",
      targetId: "GET /api/keys",
      outcome: "failure",
      status: 403,
    });
  });

  it("records each document action, by admins and by integrations", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const uploaded = await uploadFile(admin, "leave.md", "# Leave\n\nThirty days a year.");
    const { document } = await uploaded.json<{ document: { id: string } }>();
    expect(await waitForEntry(admin, "document.upload")).toMatchObject({
      targetType: "document",
      targetId: document.id,
      status: 202,
    });
    await waitForDocument(admin, document.id);

    await postJson("/api/documents/batch", { documents: [{ externalId: "e1", title: "E", text: "Text." }] }, admin);
    expect(await waitForEntry(admin, "document.batch")).toMatchObject({ outcome: "success" });
    await postJson(`/api/documents/${document.id}/reingest`, {}, admin);
    expect(await waitForEntry(admin, "document.reingest")).toMatchObject({ targetId: document.id });
    await postJson("/api/documents/reembed", {}, admin);
    expect(await waitForEntry(admin, "documents.reembed")).toMatchObject({ status: 202 });

    const key = await (await postJson("/api/keys", { name: "cms", role: "ingest" }, admin)).json<{ secret: string }>();
    await call(`/api/documents/${document.id}`, { method: "DELETE", token: key.secret });
    expect(await waitForEntry(admin, "document.delete")).toMatchObject({
      actor: expect.stringMatching(/^key:/),
      actorRole: "ingest",
      targetId: document.id,
    });

    const upload = await (await postJson("/api/uploads", { filename: "big.md", size: 10 }, admin)).json<{
      upload: { id: string };
    }>();
    expect(await waitForEntry(admin, "upload.create")).toMatchObject({ targetId: upload.upload.id });
    await call(`/api/uploads/${upload.upload.id}`, { method: "DELETE", token: admin });
    expect(await waitForEntry(admin, "upload.abort")).toMatchObject({ targetId: upload.upload.id, status: 204 });
  });

  it("records webhook secrets, collection access, sources and multipart uploads", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);

    const rotated = await postJson("/api/webhooks/secrets", {}, admin);
    const { secret } = await rotated.json<{ secret: { id: string } }>();
    expect(await waitForEntry(admin, "webhook-secret.rotate")).toMatchObject({
      targetType: "webhook-secret",
      targetId: secret.id,
      status: 201,
    });
    await call(`/api/webhooks/secrets/${secret.id}`, { method: "DELETE", token: admin });
    expect(await waitForEntry(admin, "webhook-secret.revoke")).toMatchObject({ targetId: secret.id });

    await call("/api/collections/handbook/access", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ readableBy: ["hr"] }),
      token: admin,
    });
    expect(await waitForEntry(admin, "collection.access")).toMatchObject({ outcome: "success", status: 200 });

    site.put(
      "https://docs.example.test/guide",
      "<html><head><title>Guide</title></head><body><p>Hello.</p></body></html>",
    );
    const created = await postJson("/api/sources", { kind: "url", url: "https://docs.example.test/guide" }, admin);
    expect(created.status).toBe(201);
    const { source } = await created.json<{ source: { id: string } }>();
    expect(await waitForEntry(admin, "source.create")).toMatchObject({ targetId: source.id, status: 201 });
    // A sync asked for while the first one runs is refused with 409; either way it is recorded.
    await postJson(`/api/sources/${source.id}/sync`, {}, admin);
    expect(await waitForEntry(admin, "source.sync")).toMatchObject({ targetType: "source", targetId: source.id });
    await call(`/api/sources/${source.id}`, { method: "DELETE", token: admin });
    expect(await waitForEntry(admin, "source.delete")).toMatchObject({ targetId: source.id, outcome: "success" });
    const refused = await postJson("/api/sources", { kind: "url", url: "https://127.0.0.1/guide" }, admin);
    expect(refused.status).toBe(400);
    await expect
      .poll(async () => (await auditEntries(admin, "?action=source.create&outcome=failure")).entries[0]?.status)
      .toBe(400);

    const document = await uploadInParts(
      admin,
      { filename: "parts.md", contentType: "text/markdown" },
      new TextEncoder().encode("# Parts\n\nSent in parts."),
    );
    expect(await waitForEntry(admin, "upload.complete")).toMatchObject({ status: 202 });
    expect(document.id).toBeTruthy();
  });

  it("pages and filters, keeps tenants apart, and cannot be changed through the API", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    for (let index = 0; index < 5; index += 1)
      await postJson("/api/keys", { name: `k${index}`, role: "member" }, admin);
    await expect.poll(async () => (await auditEntries(admin, "?action=key.create")).entries.length).toBe(5);

    const first = await auditEntries(admin, "?action=key.create&limit=2");
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await auditEntries(admin, `?action=key.create&limit=2&before=${first.nextCursor}`);
    expect(second.entries).toHaveLength(2);
    expect(second.entries[0]?.id).toBeLessThan(first.entries[1]?.id ?? 0);

    const other = await devToken("admin", uniqueTenant());
    expect((await auditEntries(other, "?action=key.create")).entries).toEqual([]);
    expect((await call("/api/audit", { token: await devToken("member", tenant) })).status).toBe(403);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await call("/api/audit", { method, token: admin });
      expect(response.status, method).toBeGreaterThanOrEqual(400);
      expect(response.status, method).toBeLessThan(500);
    }
    expect((await call("/api/audit?limit=500", { token: admin })).status).toBe(400);
  });
});
