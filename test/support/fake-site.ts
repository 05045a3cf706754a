import { afterEach, beforeEach, vi } from "vitest";
import type { FetchFunction } from "../../worker/lib/safe-fetch";

interface Page {
  body: string;
  contentType: string;
  etag: string;
}

/**
 * A website served from memory, standing in for the internet (tests have no network): pages by URL with an `ETag`
 * each, answering `If-None-Match` with 304, redirects, and counting every request it serves. Tests put its `fetch` in
 * place of the platform's, so the Worker's SSRF guard still checks every URL before it reaches the site.
 */
export class FakeSite {
  readonly #pages = new Map<string, Page>();
  readonly #redirects = new Map<string, string>();
  readonly requests: Request[] = [];
  #version = 0;

  /** Adds or changes a page; each change gets a new ETag. */
  put(url: string, body: string, contentType = "text/html; charset=utf-8"): void {
    this.#version += 1;
    this.#pages.set(url, { body, contentType, etag: `"v${this.#version}"` });
  }

  remove(url: string): void {
    this.#pages.delete(url);
  }

  redirect(from: string, to: string): void {
    this.#redirects.set(from, to);
  }

  readonly fetch: FetchFunction = async (request) => {
    this.requests.push(request);
    const target = this.#redirects.get(request.url);
    if (target) return new Response(null, { status: 302, headers: { Location: target } });
    const page = this.#pages.get(request.url);
    if (!page) return new Response("Not found", { status: 404 });
    if (request.headers.get("If-None-Match") === page.etag) {
      return new Response(null, { status: 304, headers: { ETag: page.etag } });
    }
    return new Response(page.body, { headers: { "Content-Type": page.contentType, ETag: page.etag } });
  };

  /** Forgets every page, redirect and request. */
  reset(): void {
    this.#pages.clear();
    this.#redirects.clear();
    this.requests.splice(0);
  }

  /** The URLs of the requests received, in order. */
  requestedUrls(): string[] {
    return this.requests.map((request) => request.url);
  }
}

/**
 * A fake site that the test file's tests share, emptied before each test and put in place of the platform's `fetch`
 * for it: the queue consumer runs in the tests' isolate, so its fetches reach the site, after the SSRF guard.
 */
export function fakeSiteForEachTest(): FakeSite {
  const site = new FakeSite();
  beforeEach(() => {
    site.reset();
    vi.stubGlobal("fetch", site.fetch);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  return site;
}
