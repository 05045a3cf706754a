import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { DocumentView, SourceSyncView, SourceView } from "../../worker/contract";
import { createDb } from "../../worker/db/client";
import { sources } from "../../worker/db/schema";
import worker from "../../worker/index";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import { fakeSiteForEachTest } from "../support/fake-site";

const origin = "https://docs.example.test";
const pageCount = 20;

const site = fakeSiteForEachTest();

const pageUrl = (number: number) => `${origin}/guide/page-${number}`;

function pageHtml(number: number, extra = "") {
  return `<!doctype html><html><head><title>Guide page ${number}</title></head><body><main>
    <h1>Guide page ${number}</h1><p>Topic ${number}: the guide explains procedure number ${number} in detail.</p>
    <p>${extra}</p><a href="/guide/">Back to the guide</a></main></body></html>`;
}

/** A guide of 20 pages: an index linking to 19 pages, plus links the crawl must not follow. */
function serveGuide() {
  const links = Array.from(
    { length: pageCount - 1 },
    (_, index) => `<li><a href="page-${index + 1}">Page ${index + 1}</a></li>`,
  );
  site.put(
    `${origin}/guide/`,
    `<!doctype html><html><head><title>The guide</title></head><body><main><h1>The guide</h1>
      <p>Everything about procedures, one page each.</p><ul>${links.join("")}</ul>
      <a href="/blog/news">Out of the prefix</a><a href="https://elsewhere.example.test/guide/x">Other site</a>
      <a href="/guide/logo.png">Logo</a></main></body></html>`,
  );
  for (let number = 1; number < pageCount; number += 1) site.put(pageUrl(number), pageHtml(number));
  site.put(`${origin}/blog/news`, pageHtml(99));
}

async function createSource(admin: string, body: Record<string, unknown>): Promise<SourceView> {
  const response = await postJson("/api/sources", body, admin);
  expect(response.status).toBe(201);
  return (await response.json<{ source: SourceView }>()).source;
}

/** Waits until the source's newest sync has ended and every page it touched is indexed or gone. */
async function syncEnded(admin: string, sourceId: string): Promise<SourceSyncView> {
  return vi.waitUntil(
    async () => {
      const response = await call(`/api/sources/${sourceId}/syncs`, { token: admin });
      const { syncs } = await response.json<{ syncs: SourceSyncView[] }>();
      const [latest] = syncs;
      if (!latest || latest.status === "discovering" || latest.status === "fetching") return false;
      const documents = await documentsOf(admin);
      return documents.every((document) => document.status === "ready" || document.status === "failed")
        ? latest
        : false;
    },
    { timeout: 30_000, interval: 50 },
  );
}

async function documentsOf(admin: string): Promise<DocumentView[]> {
  return (await (await call("/api/documents", { token: admin })).json<{ documents: DocumentView[] }>()).documents;
}

async function stats(admin: string): Promise<{ jobs: number; embeddedTexts: number; documents: number }> {
  return (await call("/api/documents/stats", { token: admin })).json();
}

async function syncNow(admin: string, sourceId: string): Promise<SourceSyncView> {
  const response = await call(`/api/sources/${sourceId}/sync`, { method: "POST", token: admin });
  expect(response.status).toBe(202);
  return syncEnded(admin, sourceId);
}

describe("website sources", () => {
  it("crawls a site of 20 pages, re-syncs with no work when nothing changed, one page when one changed, deletes a removed page", async () => {
    const admin = await devToken("admin", uniqueTenant());
    serveGuide();
    const source = await createSource(admin, { kind: "site", url: `${origin}/guide/`, collection: "guide" });
    expect(source).toMatchObject({ kind: "site", pathPrefix: "/guide/", pageLimit: 100, syncEveryMinutes: 1440 });
    expect(source.lastSync).toMatchObject({ trigger: "created", status: "discovering" });

    const first = await syncEnded(admin, source.id);
    expect(first).toMatchObject({ status: "finished", pagesFound: pageCount, checked: pageCount, added: pageCount });
    expect(first).toMatchObject({ unchanged: 0, changed: 0, removed: 0, failed: 0, failures: [] });
    const documents = await documentsOf(admin);
    expect(documents).toHaveLength(pageCount);
    expect(new Set(documents.map((document) => document.status))).toEqual(new Set(["ready"]));
    expect(new Set(documents.map((document) => document.collection))).toEqual(new Set(["guide"]));
    expect(documents.map((document) => document.externalId).sort()).toEqual(
      [`${origin}/guide/`, ...Array.from({ length: pageCount - 1 }, (_, index) => pageUrl(index + 1))].sort(),
    );
    expect(documents.find((document) => document.externalId === pageUrl(3))?.title).toBe("Guide page 3");
    expect(site.requestedUrls()).not.toContain(`${origin}/blog/news`);
    const ingested = await stats(admin);
    expect(ingested.jobs).toBe(pageCount);

    // Nothing changed: one conditional request per page, each answered 304, and no ingestion or embedding at all.
    site.requests.splice(0);
    const unchanged = await syncNow(admin, source.id);
    expect(unchanged).toMatchObject({
      status: "finished",
      trigger: "manual",
      checked: pageCount,
      unchanged: pageCount,
    });
    expect(unchanged).toMatchObject({ changed: 0, added: 0, removed: 0, failed: 0 });
    expect(site.requests).toHaveLength(pageCount);
    expect(site.requests.every((request) => request.headers.get("If-None-Match") !== null)).toBe(true);
    expect(await stats(admin)).toEqual(ingested);

    // One page edited: that page alone is ingested again, and only its new chunk is embedded.
    site.put(pageUrl(7), pageHtml(7, "New in this edition: procedure 7 now needs a second signature."));
    const edited = await syncNow(admin, source.id);
    expect(edited).toMatchObject({ checked: pageCount, changed: 1, unchanged: pageCount - 1, added: 0, removed: 0 });
    const afterEdit = await stats(admin);
    expect(afterEdit.jobs).toBe(ingested.jobs + 1);
    expect(afterEdit.embeddedTexts - ingested.embeddedTexts).toBeGreaterThan(0);
    expect(afterEdit.embeddedTexts - ingested.embeddedTexts).toBeLessThanOrEqual(2);
    const seventh = (await documentsOf(admin)).find((document) => document.externalId === pageUrl(7));
    expect(seventh).toMatchObject({ status: "ready", version: 2, activeVersion: 2 });
    const search = await postJson("/api/search", { query: "second signature", filter: { collection: "guide" } }, admin);
    const { results } = await search.json<{ results: Array<{ documentId: string }> }>();
    expect(results[0]?.documentId).toBe(seventh?.id);

    // One page removed from the site (it answers 404): its document is deleted everywhere.
    site.remove(pageUrl(12));
    const removed = await syncNow(admin, source.id);
    expect(removed).toMatchObject({ checked: pageCount, unchanged: pageCount - 1, removed: 1, changed: 0, failed: 0 });
    await vi.waitUntil(async () => (await documentsOf(admin)).length === pageCount - 1, { timeout: 20_000 });
    expect((await documentsOf(admin)).map((document) => document.externalId)).not.toContain(pageUrl(12));
    // Nothing was ingested; the removed page's own job went with it.
    expect((await stats(admin)).jobs).toBe(afterEdit.jobs - 1);

    const history = await call(`/api/sources/${source.id}/syncs`, { token: admin });
    const { syncs } = await history.json<{ syncs: SourceSyncView[] }>();
    expect(syncs.map((sync) => [sync.trigger, sync.changed, sync.removed])).toEqual([
      ["manual", 0, 1],
      ["manual", 1, 0],
      ["manual", 0, 0],
      ["created", 0, 0],
    ]);
  });

  it("follows a sitemap, stops at the page limit, records failed pages with reasons, deletes pages that leave it", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const sitemap = (paths: string[]) =>
      `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths
        .map((path) => `<url><loc>${origin}${path}</loc></url>`)
        .join("")}<url><loc>https://elsewhere.example.test/a</loc></url></urlset>`;
    site.put(`${origin}/sitemap.xml`, sitemap(["/a", "/b", "/c", "/image"]), "application/xml");
    site.put(`${origin}/a`, pageHtml(1));
    site.put(`${origin}/b`, "# Page B\n\nMarkdown pages are documents too.", "text/markdown");
    site.put(`${origin}/c`, pageHtml(3));
    site.put(`${origin}/image`, "\u0000PNG", "image/png");
    const source = await createSource(admin, { kind: "sitemap", url: `${origin}/sitemap.xml`, pageLimit: 10 });
    const first = await syncEnded(admin, source.id);
    expect(first).toMatchObject({ status: "finished", checked: 4, added: 3, failed: 1 });
    expect(first.failures).toEqual([
      { url: `${origin}/image`, reason: expect.stringMatching(/not a document that can be ingested \(image\/png\)/) },
    ]);

    site.put(`${origin}/sitemap.xml`, sitemap(["/a", "/b"]), "application/xml");
    const second = await syncNow(admin, source.id);
    expect(second).toMatchObject({ checked: 2, unchanged: 2, removed: 2 });
    await vi.waitUntil(async () => (await documentsOf(admin)).length === 2, { timeout: 20_000 });

    // A page limit of 1 (in another tenant, whose documents do not have these external ids yet).
    const other = await devToken("admin", uniqueTenant());
    const limited = await createSource(other, {
      kind: "sitemap",
      url: `${origin}/sitemap.xml`,
      pageLimit: 1,
      collection: "one",
    });
    expect(await syncEnded(other, limited.id)).toMatchObject({ checked: 1, added: 1 });
    expect(await documentsOf(other)).toHaveLength(1);
  });

  it("fails a sync whose sitemap cannot be read, with the reason", async () => {
    const admin = await devToken("admin", uniqueTenant());
    site.redirect(`${origin}/sitemap.xml`, "http://10.0.0.7/sitemap.xml");
    const source = await createSource(admin, { kind: "sitemap", url: `${origin}/sitemap.xml` });
    expect(await syncEnded(admin, source.id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/The sitemap could not be read: http:\/\/10\.0\.0\.7\/sitemap\.xml is refused/),
    });
  });

  it("starts due syncs from the scheduled handler", async () => {
    const admin = await devToken("admin", uniqueTenant());
    site.put(`${origin}/one`, pageHtml(1));
    const source = await createSource(admin, { kind: "url", url: `${origin}/one`, syncEveryMinutes: 15 });
    await syncEnded(admin, source.id);
    const db = createDb(env.DB);
    await db
      .update(sources)
      .set({ nextSyncAt: new Date(Date.now() - 1000) })
      .where(eq(sources.id, source.id));

    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env);
    const scheduled = await syncEnded(admin, source.id);
    expect(scheduled).toMatchObject({ trigger: "schedule", checked: 1, unchanged: 1 });
    const [row] = await db.select().from(sources).where(eq(sources.id, source.id));
    expect(row?.nextSyncAt.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it("is for admins, refuses private URLs up front, and removing a source deletes its pages", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const member = await devToken("member", tenant);
    expect((await call("/api/sources", { token: member })).status).toBe(403);
    expect((await postJson("/api/sources", { kind: "url", url: `${origin}/x` }, member)).status).toBe(403);

    const refused = await postJson("/api/sources", { kind: "site", url: "https://169.254.169.254/" }, admin);
    expect(refused.status).toBe(400);
    expect((await refused.json<{ error: { message: string } }>()).error.message).toMatch(/link-local/);
    const tooOften = await postJson("/api/sources", { kind: "url", url: `${origin}/x`, syncEveryMinutes: 5 }, admin);
    expect(tooOften.status).toBe(400);
    const prefixOnPage = await postJson("/api/sources", { kind: "url", url: `${origin}/x`, pathPrefix: "/x" }, admin);
    expect(prefixOnPage.status).toBe(400);

    site.put(`${origin}/x`, pageHtml(5));
    const source = await createSource(admin, { kind: "url", url: `${origin}/x` });
    await syncEnded(admin, source.id);
    expect(await documentsOf(admin)).toHaveLength(1);
    const listed = await (await call("/api/sources", { token: admin })).json<{ sources: SourceView[] }>();
    expect(listed.sources.map((item) => [item.id, item.lastSync?.status])).toEqual([[source.id, "finished"]]);

    const removed = await call(`/api/sources/${source.id}`, { method: "DELETE", token: admin });
    expect(removed.status).toBe(200);
    await vi.waitUntil(async () => (await documentsOf(admin)).length === 0, { timeout: 20_000 });
    expect((await call(`/api/sources/${source.id}`, { token: admin })).status).toBe(404);

    const audit = await call("/api/audit?limit=200", { token: admin });
    const { entries } = await audit.json<{ entries: Array<{ action: string; outcome: string }> }>();
    const actions = entries.map((entry) => `${entry.action}:${entry.outcome}`);
    expect(actions).toContain("source.create:success");
    expect(actions).toContain("source.create:failure");
    expect(actions).toContain("source.delete:success");
  });
});
