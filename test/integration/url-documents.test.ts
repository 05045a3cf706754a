import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../worker/contract";
import { findDocument } from "../../worker/db/documents";
import { reconcilePendingWork } from "../../worker/ingest/reconcile-pending-work";
import { requestRefetches } from "../../worker/ingest/source-pages";
import { submitBatch } from "../../worker/ingest/submit-batch";
import { call, devToken, postJson, uniqueTenant, waitForDocument } from "../support/api";
import { fakeSiteForEachTest } from "../support/fake-site";
import { createHarness, drainQueue } from "../support/ingest-harness";
import { refusedUrls } from "../support/refused-urls";

const site = fakeSiteForEachTest();

async function submit(admin: string, documents: unknown[]) {
  const response = await postJson("/api/documents/batch", { documents }, admin);
  return response;
}

async function documentsOf(admin: string): Promise<DocumentView[]> {
  return (await (await call("/api/documents", { token: admin })).json<{ documents: DocumentView[] }>()).documents;
}

describe("URL documents", () => {
  it("fetches a document given by URL in the queue, sniffs its type and ingests it; search finds it", async () => {
    const admin = await devToken("admin", uniqueTenant());
    site.put(
      "https://docs.example.test/leave",
      "<html><head><title>Leave policy</title></head><body><main><p>Staff get 31 days of annual leave.</p></main></body></html>",
      "text/plain",
    );
    const response = await submit(admin, [{ externalId: "leave", url: "https://docs.example.test/leave" }]);
    expect(response.status).toBe(202);
    const { documents } = await response.json<{ documents: Array<DocumentView & { changed: boolean }> }>();
    expect(documents[0]).toMatchObject({ externalId: "leave", status: "queued", changed: true });

    const ready = await waitForDocument(admin, documents[0]?.id ?? "");
    expect(ready).toMatchObject({ status: "ready", title: "Leave policy", contentType: "text/html", version: 1 });
    const search = await postJson("/api/search", { query: "annual leave days" }, admin);
    const { results } = await search.json<{ results: Array<{ documentId: string; text: string }> }>();
    expect(results[0]).toMatchObject({ documentId: ready.id, text: expect.stringContaining("31 days") });
    expect(site.requestedUrls()).toEqual(["https://docs.example.test/leave"]);
  });

  it("refuses, without a request, every private, loopback and metadata form, each with its reason", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const httpForms = refusedUrls.filter(([url]) => /^https?:\/\//.test(url));
    const response = await submit(
      admin,
      httpForms.map(([url], index) => ({ externalId: `refused-${index}`, url })),
    );
    expect(response.status).toBe(202);
    const { documents } = await response.json<{ documents: DocumentView[] }>();
    for (const [index, [url, reason]] of httpForms.entries()) {
      const document = await waitForDocument(admin, documents[index]?.id ?? "");
      expect(document.status, url).toBe("failed");
      expect(document.error, url).toMatch(reason);
      expect(document.error, url).toMatch(/is refused/);
    }
    expect(site.requests).toHaveLength(0);
  });

  it("refuses URLs that are not http(s) at the edge, with 400", async () => {
    const admin = await devToken("admin", uniqueTenant());
    for (const [url] of refusedUrls.filter(([url]) => !/^https?:\/\//.test(url))) {
      const response = await submit(admin, [{ externalId: "x", url }]);
      expect(response.status, url).toBe(400);
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("invalid_request");
    }
    const both = await submit(admin, [{ externalId: "x", url: "https://docs.example.test/a", text: "hi" }]);
    expect(both.status).toBe(400);
    const neither = await submit(admin, [{ externalId: "x" }]);
    expect(neither.status).toBe(400);
  });

  it("refuses a redirect into private space, and never requests it", async () => {
    const admin = await devToken("admin", uniqueTenant());
    site.redirect("https://docs.example.test/jump", "http://169.254.169.254/latest/meta-data/");
    site.redirect("https://docs.example.test/hop", "https://[::ffff:127.0.0.1]/admin");
    const response = await submit(admin, [
      { externalId: "jump", url: "https://docs.example.test/jump" },
      { externalId: "hop", url: "https://docs.example.test/hop" },
    ]);
    const { documents } = await response.json<{ documents: DocumentView[] }>();
    const jump = await waitForDocument(admin, documents[0]?.id ?? "");
    const hop = await waitForDocument(admin, documents[1]?.id ?? "");
    expect(jump).toMatchObject({ status: "failed", error: expect.stringMatching(/169\.254\.169\.254.*is refused/) });
    expect(hop).toMatchObject({ status: "failed", error: expect.stringMatching(/this machine/) });
    expect(site.requestedUrls().sort()).toEqual(["https://docs.example.test/hop", "https://docs.example.test/jump"]);
  });

  it("fails a page that is not a document, or gone, with a reason; re-ingesting fetches it again", async () => {
    const admin = await devToken("admin", uniqueTenant());
    site.put("https://docs.example.test/logo", "\u0000\u0001binary", "image/png");
    site.put("https://docs.example.test/huge", `<html><body><p>${"word ".repeat(900_000)}</p></body></html>`);
    const response = await submit(admin, [
      { externalId: "logo", url: "https://docs.example.test/logo" },
      { externalId: "missing", url: "https://docs.example.test/missing" },
      { externalId: "huge", url: "https://docs.example.test/huge" },
    ]);
    const { documents } = await response.json<{ documents: DocumentView[] }>();
    const logo = await waitForDocument(admin, documents[0]?.id ?? "");
    expect(logo).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/not a document that can be ingested/),
    });
    const missing = await waitForDocument(admin, documents[1]?.id ?? "");
    const huge = await waitForDocument(admin, documents[2]?.id ?? "");
    expect(huge).toMatchObject({ status: "failed", error: expect.stringMatching(/HTML .*4 MB.*huge/) });
    expect(missing).toMatchObject({ status: "failed", error: expect.stringMatching(/answered HTTP 404/) });

    site.put("https://docs.example.test/missing", "# Found\n\nIt is here now.", "text/markdown");
    const again = await call(`/api/documents/${missing.id}/reingest`, { method: "POST", token: admin });
    expect(again.status).toBe(202);
    expect(await waitForDocument(admin, missing.id)).toMatchObject({ status: "ready", title: "Found" });
    expect((await documentsOf(admin)).map((document) => document.status).sort()).toEqual(["failed", "failed", "ready"]);
  });

  it("retries a page that answers 503 and fails it with that reason; a lost fetch is re-sent by the reconciler", async () => {
    const harness = await createHarness();
    harness.deps.urlFetch = { fetch: site.fetch, allowPrivate: false, timeoutMs: 5000 };
    let busy = true;
    const fetchPage = site.fetch;
    harness.deps.urlFetch.fetch = async (request) =>
      busy ? new Response("busy", { status: 503 }) : fetchPage(request);
    site.put("https://docs.example.test/later", "# Later\n\nThis page came back.", "text/markdown");
    const request = (externalId: string) => ({
      tenantId: harness.tenantId,
      documents: [
        {
          externalId,
          url: "https://docs.example.test/later",
          contentType: "text/markdown" as const,
          collection: "default",
        },
      ],
      source: "batch" as const,
      maxBytes: 1024 * 1024,
    });

    const [failing] = await submitBatch(harness.deps, request("busy"));
    await drainQueue(harness);
    const failed = await findDocument(harness.deps.db, harness.tenantId, failing?.document.id ?? "");
    expect(failed).toMatchObject({ status: "failed", fetchPending: false });
    expect(failed?.error).toBe("https://docs.example.test/later answered HTTP 503");

    // The queue loses the fetch message; D1 still says a fetch is pending, and the reconciler sends it again.
    busy = false;
    const [lost] = await submitBatch(harness.deps, request("lost"));
    harness.queue.messages.splice(0);
    const later = new Date(Date.now() + 120_000);
    expect(await reconcilePendingWork(harness.deps, { cutoff: later, now: later })).toBe(1);
    expect(harness.queue.messages).toEqual([
      { type: "fetch", tenantId: harness.tenantId, documentId: lost?.document.id },
    ]);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, lost?.document.id ?? "")).toMatchObject({
      status: "ready",
      title: "Later",
      fetchPending: false,
    });
  });

  it("a fetch asked for while the previous version is being ingested stays pending until it runs", async () => {
    const harness = await createHarness();
    harness.deps.urlFetch = { fetch: site.fetch, allowPrivate: false, timeoutMs: 5000 };
    const url = "https://docs.example.test/policy";
    site.put(url, "# Policy\n\nVersion one.", "text/markdown");
    const [submitted] = await submitBatch(harness.deps, {
      tenantId: harness.tenantId,
      documents: [{ externalId: "policy", url, contentType: "text/markdown", collection: "default" }],
      source: "batch",
      maxBytes: 1024 * 1024,
    });
    const id = submitted?.document.id ?? "";
    await drainQueue(harness, { limit: 1 }); // the fetch: version 1 is queued for ingestion
    expect(await findDocument(harness.deps.db, harness.tenantId, id)).toMatchObject({ version: 1, status: "queued" });

    // A sync asks for the page again while version 1 is still to be ingested, and its fetch message is lost.
    await requestRefetches(harness.deps, [{ id, tenantId: harness.tenantId }], null);
    harness.queue.messages.splice(
      harness.queue.messages.findIndex((message) => message.type === "fetch"),
      1,
    );
    await drainQueue(harness);
    const ingested = await findDocument(harness.deps.db, harness.tenantId, id);
    expect(ingested).toMatchObject({ activeVersion: 1, fetchPending: true });
    expect(ingested?.status).not.toBe("ready");

    const later = new Date(Date.now() + 120_000);
    expect(await reconcilePendingWork(harness.deps, { cutoff: later, now: later })).toBe(1);
    expect(harness.queue.messages).toEqual([{ type: "fetch", tenantId: harness.tenantId, documentId: id }]);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, id)).toMatchObject({
      status: "ready",
      version: 1,
      fetchPending: false,
    });
  });

  it("takes a URL in a signed webhook delivery, as in a batch", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const secretResponse = await postJson("/api/webhooks/secrets", {}, admin);
    const { value } = await secretResponse.json<{ value: string }>();
    site.put("https://cms.example.test/pages/faq", "# FAQ\n\nThe office opens at nine.", "text/markdown");
    const body = JSON.stringify({ documents: [{ externalId: "cms/faq", url: "https://cms.example.test/pages/faq" }] });
    const id = `msg_${crypto.randomUUID()}`;
    const at = new Date();
    const response = await call(`/api/webhooks/ingest?tenant=${tenant}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(value).sign(id, at, body),
      },
      body,
    });
    expect(response.status).toBe(202);
    const { delivery } = await response.json<{
      delivery: { documents: Array<{ documentId: string; action: string }> };
    }>();
    expect(delivery.documents).toEqual([{ externalId: "cms/faq", documentId: expect.any(String), action: "queued" }]);
    expect(await waitForDocument(admin, delivery.documents[0]?.documentId ?? "")).toMatchObject({
      status: "ready",
      title: "FAQ",
    });
  });

  it("a version that fails while a new fetch is pending leaves the fetch pending, and the fetch recovers it", async () => {
    const harness = await createHarness();
    harness.deps.urlFetch = { fetch: site.fetch, allowPrivate: false, timeoutMs: 5000 };
    const url = "https://docs.example.test/empty";
    site.put(url, "<!doctype html><html><head></head><body></body></html>");
    const [submitted] = await submitBatch(harness.deps, {
      tenantId: harness.tenantId,
      documents: [{ externalId: "empty", url, contentType: "text/markdown", collection: "default" }],
      source: "batch",
      maxBytes: 1024 * 1024,
    });
    const id = submitted?.document.id ?? "";
    await drainQueue(harness, { limit: 1 }); // the fetch: version 1 (a page without text) is queued for ingestion

    // A new fetch is asked for, and its message is lost, before version 1 fails for having no text.
    await requestRefetches(harness.deps, [{ id, tenantId: harness.tenantId }], null);
    harness.queue.messages.splice(
      harness.queue.messages.findIndex((message) => message.type === "fetch"),
      1,
    );
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, id)).toMatchObject({
      status: "queued",
      fetchPending: true,
      error: "The document contains no text to index",
    });

    site.put(url, "# Filled in\n\nThe page has text now.", "text/markdown");
    const later = new Date(Date.now() + 120_000);
    expect(await reconcilePendingWork(harness.deps, { cutoff: later, now: later })).toBe(1);
    await drainQueue(harness);
    expect(await findDocument(harness.deps.db, harness.tenantId, id)).toMatchObject({
      status: "ready",
      version: 2,
      title: "Filled in",
      fetchPending: false,
    });
  });
});
