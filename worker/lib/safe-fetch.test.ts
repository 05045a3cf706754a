import { describe, expect, it } from "vitest";
import { FetchFailedError, type FetchFunction, maxRedirects, type SafeFetchOptions, safeFetch } from "./safe-fetch";
import { RefusedUrlError } from "./url-guard";

/** A fetch that answers from `routes` by URL, recording every request it receives. */
function serve(routes: Record<string, () => Response>) {
  const requests: Request[] = [];
  const fetch: FetchFunction = async (request) => {
    requests.push(request);
    const route = routes[request.url];
    return route ? route() : new Response("not found", { status: 404 });
  };
  return { fetch, requests };
}

const redirect =
  (location: string, status = 302) =>
  () =>
    new Response(null, { status, headers: { Location: location } });
const page =
  (text: string, headers: Record<string, string> = {}) =>
  () =>
    new Response(text, { headers: { "Content-Type": "text/html", ...headers } });

function options(fetch: FetchFunction, overrides: Partial<SafeFetchOptions> = {}): SafeFetchOptions {
  return { fetch, policy: { allowPrivate: false }, maxBytes: 1024, timeoutMs: 5000, ...overrides };
}

describe("safeFetch", () => {
  it("follows redirects, checking each, and returns the final page with its validators", async () => {
    const site = serve({
      "https://example.com/a": redirect("/b", 301),
      "https://example.com/b": redirect("https://docs.example.com/c"),
      "https://docs.example.com/c": page("<p>hello</p>", {
        ETag: '"v1"',
        "Last-Modified": "Sun, 06 Dec 2026 10:00:00 GMT",
      }),
    });
    const fetched = await safeFetch("https://example.com/a", options(site.fetch));
    expect(fetched.url.href).toBe("https://docs.example.com/c");
    expect(fetched.notModified).toBe(false);
    if (!fetched.notModified) expect(new TextDecoder().decode(fetched.body)).toBe("<p>hello</p>");
    expect(fetched.validators).toEqual({ etag: '"v1"', lastModified: "Sun, 06 Dec 2026 10:00:00 GMT" });
    expect(site.requests.map((request) => request.redirect)).toEqual(["manual", "manual", "manual"]);
  });

  it.each([
    ["https://169.254.169.254/latest/meta-data/", /link-local/],
    ["http://127.0.0.1:8080/admin", /only https/],
    ["https://[::ffff:10.0.0.1]/", /private/],
    ["https://0x7f.1/", /this machine/],
  ])("refuses a redirect into %s without requesting it", async (target, reason) => {
    const site = serve({ "https://example.com/start": redirect(target) });
    await expect(safeFetch("https://example.com/start", options(site.fetch))).rejects.toThrow(RefusedUrlError);
    await expect(safeFetch("https://example.com/start", options(site.fetch))).rejects.toThrow(reason);
    expect(site.requests.every((request) => request.url === "https://example.com/start")).toBe(true);
  });

  it(`gives up after ${maxRedirects} redirects`, async () => {
    const routes: Record<string, () => Response> = {};
    for (let hop = 0; hop <= maxRedirects; hop += 1) routes[`https://example.com/${hop}`] = redirect(`/${hop + 1}`);
    routes[`https://example.com/${maxRedirects + 1}`] = page("end");
    const site = serve(routes);
    await expect(safeFetch("https://example.com/0", options(site.fetch))).rejects.toThrow(/more than 5 times/);
    expect(site.requests).toHaveLength(maxRedirects + 1);
  });

  it("refuses a body larger than the limit while it streams, whatever Content-Length says", async () => {
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(512));
      },
    });
    const site = serve({
      "https://example.com/big": () => new Response(endless),
      "https://example.com/declared": () => new Response("x".repeat(2000)),
    });
    await expect(safeFetch("https://example.com/big", options(site.fetch))).rejects.toThrow(/larger than/);
    await expect(safeFetch("https://example.com/declared", options(site.fetch))).rejects.toThrow(/larger than/);
  });

  it("sends the validators it holds and reports 304 as not modified", async () => {
    const site = serve({
      "https://example.com/p": () => new Response(null, { status: 304, headers: { ETag: '"v1"' } }),
    });
    const fetched = await safeFetch(
      "https://example.com/p",
      options(site.fetch, { validators: { etag: '"v1"', lastModified: "Sun, 06 Dec 2026 10:00:00 GMT" } }),
    );
    expect(fetched.notModified).toBe(true);
    expect(site.requests[0]?.headers.get("If-None-Match")).toBe('"v1"');
    expect(site.requests[0]?.headers.get("If-Modified-Since")).toBe("Sun, 06 Dec 2026 10:00:00 GMT");
  });

  it("tells transient failures from permanent ones", async () => {
    const site = serve({
      "https://example.com/busy": () => new Response("busy", { status: 503 }),
      "https://example.com/limited": () => new Response("slow down", { status: 429 }),
      "https://example.com/forbidden": () => new Response("no", { status: 403 }),
      "https://example.com/broken": () => {
        throw new TypeError("connection reset");
      },
    });
    const failure = (path: string) =>
      safeFetch(`https://example.com/${path}`, options(site.fetch)).then(
        () => null,
        (error: unknown) => error,
      );
    const busy = await failure("busy");
    expect(busy).toBeInstanceOf(FetchFailedError);
    expect(busy).toMatchObject({ transient: true, status: 503, gone: false });
    expect(await failure("limited")).toMatchObject({ transient: true, status: 429 });
    expect(await failure("forbidden")).toMatchObject({ transient: false, status: 403 });
    expect(await failure("missing")).toMatchObject({ transient: false, status: 404, gone: true });
    const broken = await failure("broken");
    expect(broken).toMatchObject({ transient: true, status: null });
    expect(String(broken)).toMatch(/could not be reached \(connection reset\)/);
  });

  it("gives up when the server does not answer in time", async () => {
    const hanging: FetchFunction = (request) =>
      new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
    await expect(safeFetch("https://example.com/slow", options(hanging, { timeoutMs: 20 }))).rejects.toThrow(
      /did not answer within 0 s/,
    );
  });
});
