/**
 * A website kept in sync by the real app served as `npm start` serves it (workerd's own fetch, no stand-in): a site
 * of a few pages served by this test on 127.0.0.1, allowed by `ALLOW_PRIVATE_URLS` (local runs only), is added as a
 * source, indexed, and re-synced with conditional requests; the metadata address stays refused. Runs in Node.
 */
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { readBody } from "../../client/api-client";
import { connectWithDevToken } from "../../client/dev-token";
import { listAllDocuments } from "../../client/list-documents";
import { type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server";

const pages = new Map<string, { body: string; etag: string }>();
const requests: Array<{ path: string; ifNoneMatch: string | null }> = [];
let site: Server | undefined;
let siteOrigin = "";
let server: RunningServer | undefined;

function page(title: string, text: string, links: string[] = []) {
  const anchors = links.map((link) => `<a href="${link}">${link}</a>`).join(" ");
  return `<!doctype html><html><head><title>${title}</title></head><body><main><h1>${title}</h1><p>${text}</p>${anchors}</main></body></html>`;
}

beforeAll(async () => {
  pages.set("/docs/", { body: page("Docs", "The documentation index.", ["travel", "expenses"]), etag: '"1"' });
  pages.set("/docs/travel", { body: page("Travel", "Book trains at least 14 days ahead."), etag: '"2"' });
  pages.set("/docs/expenses", { body: page("Expenses", "Receipts are filed within 30 days."), etag: '"3"' });
  site = createServer((request, response) => {
    const path = request.url ?? "/";
    const ifNoneMatch = request.headers["if-none-match"] ?? null;
    requests.push({ path, ifNoneMatch: typeof ifNoneMatch === "string" ? ifNoneMatch : null });
    if (path === "/jump") {
      response.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data/" }).end();
      return;
    }
    const found = pages.get(path);
    if (!found) response.writeHead(404).end("Not found");
    else if (ifNoneMatch === found.etag) response.writeHead(304, { ETag: found.etag }).end();
    else response.writeHead(200, { "Content-Type": "text/html", ETag: found.etag }).end(found.body);
  });
  await new Promise<void>((resolve) => site?.listen(0, "127.0.0.1", resolve));
  const address = site.address();
  if (address === null || typeof address === "string") throw new Error("the site is not listening on a port");
  siteOrigin = `http://127.0.0.1:${address.port}`;
  server = await startServer({ ALLOW_PRIVATE_URLS: "true" }, { waitForSamples: false });
}, startupTimeoutMs + 30_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => site?.close(resolve));
}, 60_000);

describe("a website source", () => {
  test("is crawled from a local site, re-synced with 304s, and a redirect to the metadata address is refused", async () => {
    if (!server) throw new Error("the server did not start");
    const { api } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", `site-${Date.now().toString(36)}`);
    const created = await readBody(api.sources.$post({ json: { kind: "site", url: `${siteOrigin}/docs/` } }));
    const source = { param: { id: created.source.id } };
    const syncEnded = (count: number) =>
      vi.waitUntil(
        async () => {
          const { syncs } = await readBody(api.sources[":id"].syncs.$get({ ...source, query: {} }));
          const documents = await listAllDocuments(api);
          const settled = documents.every((document) => document.status === "ready" || document.status === "failed");
          return syncs.length === count && syncs[0]?.status === "finished" && settled ? { syncs, documents } : false;
        },
        { timeout: 60_000, interval: 200 },
      );

    const first = await syncEnded(1);
    expect(first.syncs[0]).toMatchObject({ checked: 3, added: 3 });
    expect(first.documents.map((document) => [document.externalId, document.status]).sort()).toEqual([
      [`${siteOrigin}/docs/`, "ready"],
      [`${siteOrigin}/docs/expenses`, "ready"],
      [`${siteOrigin}/docs/travel`, "ready"],
    ]);

    requests.splice(0);
    await readBody(api.sources[":id"].sync.$post(source));
    const second = await syncEnded(2);
    expect(second.syncs[0]).toMatchObject({ checked: 3, unchanged: 3, added: 0 });
    expect(requests.map((request) => request.ifNoneMatch).sort()).toEqual(['"1"', '"2"', '"3"']);

    await readBody(
      api.documents.batch.$post({ json: { documents: [{ externalId: "jump", url: `${siteOrigin}/jump` }] } }),
    );
    const jumped = await vi.waitUntil(
      async () => {
        const documents = await listAllDocuments(api);
        const jump = documents.find((document) => document.externalId === "jump");
        return jump?.status === "failed" ? jump : false;
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(jumped.error).toMatch(/169\.254\.169\.254.* is refused: it points to a link-local address/);
  });
});
