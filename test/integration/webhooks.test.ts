import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import type { DocumentView, WebhookDeliveryView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant, waitForDocument } from "../support/api";

async function createSecret(admin: string, rolloverSeconds?: number): Promise<{ id: string; value: string }> {
  const response = await postJson(
    "/api/webhooks/secrets",
    rolloverSeconds === undefined ? {} : { rolloverSeconds },
    admin,
  );
  expect(response.status).toBe(201);
  const { secret, value } = await response.json<{ secret: { id: string }; value: string }>();
  return { id: secret.id, value };
}

function deliver(
  tenant: string,
  secret: string,
  body: unknown,
  { id = crypto.randomUUID(), at = new Date(), raw }: { id?: string; at?: Date; raw?: string } = {},
) {
  const payload = raw ?? JSON.stringify(body);
  const signature = new Webhook(secret).sign(id, at, payload);
  return call(`/api/webhooks/ingest?tenant=${tenant}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": signature,
    },
    body: payload,
  });
}

const page = (externalId: string, text: string) => ({ externalId, title: externalId, text });

async function documentsOf(admin: string): Promise<DocumentView[]> {
  return (await (await call("/api/documents", { token: admin })).json<{ documents: DocumentView[] }>()).documents;
}

describe("signed webhooks", () => {
  it("ingests a valid delivery, answers a replayed id without ingesting again, and logs every delivery", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const { value } = await createSecret(admin);
    const body = { documents: [page("cms/leave", "# Leave\n\nStaff get 30 days of leave.")] };

    const first = await deliver(tenant, value, body, { id: "msg_1" });
    expect(first.status).toBe(202);
    const { delivery } = await first.json<{ delivery: WebhookDeliveryView }>();
    expect(delivery).toMatchObject({ webhookId: "msg_1", outcome: "accepted", status: 202 });
    expect(delivery.documents).toEqual([{ externalId: "cms/leave", documentId: expect.any(String), action: "queued" }]);
    const ready = await waitForDocument(admin, delivery.documents[0]?.documentId ?? "");
    expect(ready.status).toBe("ready");

    // The same id again, even with another body and a fresh signature: a no-op that says so.
    const replay = await deliver(tenant, value, { documents: [page("cms/other", "Other")] }, { id: "msg_1" });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ duplicate: true, delivery: { webhookId: "msg_1" } });
    expect((await documentsOf(admin)).map((document) => document.externalId)).toEqual(["cms/leave"]);
    expect(ready.version).toBe((await documentsOf(admin))[0]?.version);

    const log = await (await call("/api/webhooks/deliveries", { token: admin })).json<{
      deliveries: WebhookDeliveryView[];
    }>();
    expect(log.deliveries.map((entry) => entry.webhookId)).toEqual(["msg_1"]);
  });

  it("deletes by external id and says which ids it did not find", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const { value } = await createSecret(admin);
    const created = await deliver(tenant, value, { documents: [page("a", "Alpha text."), page("b", "Beta text.")] });
    const { delivery } = await created.json<{ delivery: WebhookDeliveryView }>();
    for (const touched of delivery.documents) await waitForDocument(admin, touched.documentId ?? "");

    const removed = await deliver(tenant, value, { deletes: ["a", "missing"] });
    expect(removed.status).toBe(202);
    const { delivery: deletion } = await removed.json<{ delivery: WebhookDeliveryView }>();
    expect(deletion.documents).toEqual([
      { externalId: "a", documentId: expect.any(String), action: "deleting" },
      { externalId: "missing", documentId: null, action: "not-found" },
    ]);
    const deletedId = deletion.documents[0]?.documentId;
    await vi.waitUntil(async () => (await call(`/api/documents/${deletedId}`, { token: admin })).status === 404, {
      timeout: 20_000,
      interval: 50,
    });
    expect((await documentsOf(admin)).map((document) => document.externalId)).toEqual(["b"]);
  });

  it("refuses a bad signature, a stale or future timestamp, another tenant's secret and missing headers", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const { value } = await createSecret(admin);
    const body = { documents: [page("x", "Text.")] };
    const other = await createSecret(await devToken("admin", uniqueTenant()));

    expect((await deliver(tenant, other.value, body)).status).toBe(401);
    const stale = await deliver(tenant, value, body, { at: new Date(Date.now() - 6 * 60_000) });
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({
      error: { code: "unauthorized", message: expect.stringMatching(/5 minutes/) },
    });
    expect((await deliver(tenant, value, body, { at: new Date(Date.now() + 6 * 60_000) })).status).toBe(401);
    // A signature over another body.
    const signedOther = new Webhook(value).sign("m", new Date(), "{}");
    const tampered = await call(`/api/webhooks/ingest?tenant=${tenant}`, {
      method: "POST",
      headers: {
        "webhook-id": "m",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": signedOther,
      },
      body: JSON.stringify(body),
    });
    expect(tampered.status).toBe(401);
    const unsigned = await call(`/api/webhooks/ingest?tenant=${tenant}`, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(400);
    expect((await deliver("Not A Tenant", value, body)).status).toBe(400);
    expect(await documentsOf(admin)).toEqual([]);
  });

  it("keeps the old secret valid during a rotation's rollover and refuses it after", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const old = await createSecret(admin);
    const current = await createSecret(admin, 3600);
    expect((await deliver(tenant, old.value, { documents: [page("o", "Old secret.")] })).status).toBe(202);
    expect((await deliver(tenant, current.value, { documents: [page("n", "New secret.")] })).status).toBe(202);

    const listed = await (await call("/api/webhooks/secrets", { token: admin })).json<{
      secrets: Array<{ id: string; expiresAt: string | null }>;
    }>();
    expect(listed.secrets).toEqual([
      { id: current.id, createdAt: expect.any(String), expiresAt: null },
      { id: old.id, createdAt: expect.any(String), expiresAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed)).not.toContain(old.value);

    // Ending the rollover now, as after a leak.
    expect((await call(`/api/webhooks/secrets/${old.id}`, { method: "DELETE", token: admin })).status).toBe(200);
    expect((await deliver(tenant, old.value, { documents: [page("o2", "Old again.")] })).status).toBe(401);
    expect((await deliver(tenant, current.value, { documents: [page("n2", "New again.")] })).status).toBe(202);
    // A rotation without rollover ends the previous secret at once.
    const next = await createSecret(admin, 0);
    expect((await deliver(tenant, current.value, { documents: [page("n3", "Stale.")] })).status).toBe(401);
    expect((await deliver(tenant, next.value, { documents: [page("n4", "Fresh.")] })).status).toBe(202);
  });

  it("answers 413 for an oversized delivery and 400 for a malformed one, recording the latter", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const { value } = await createSecret(admin);
    const huge = { documents: [page("big", "x".repeat(400 * 1024))] };
    const tooLarge = await deliver(tenant, value, huge);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: "payload_too_large" } });

    const malformed = await deliver(tenant, value, null, { id: "bad-json", raw: "{not json" });
    expect(malformed.status).toBe(400);
    const invalid = await deliver(tenant, value, { documents: [{ externalId: "x" }] }, { id: "bad-schema" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { message: expect.stringContaining("documents[0].text") } });
    const empty = await deliver(tenant, value, {});
    expect(empty.status).toBe(400);

    const log = await (await call("/api/webhooks/deliveries", { token: admin })).json<{
      deliveries: WebhookDeliveryView[];
    }>();
    expect(log.deliveries.find((entry) => entry.webhookId === "bad-json")).toMatchObject({
      outcome: "rejected",
      status: 400,
      error: "The delivery body is not valid JSON",
    });
  });

  it("lets only admins manage secrets and read deliveries", async () => {
    const tenant = uniqueTenant();
    const member = await devToken("member", tenant);
    expect((await postJson("/api/webhooks/secrets", {}, member)).status).toBe(403);
    expect((await call("/api/webhooks/deliveries", { token: member })).status).toBe(403);
    expect((await call("/api/webhooks/secrets", { token: member })).status).toBe(403);
  });
});
