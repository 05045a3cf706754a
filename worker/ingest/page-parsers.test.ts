import { describe, expect, it } from "vitest";
import { pageLinks } from "./page-links";
import { parseSitemap } from "./sitemap";

describe("pageLinks", () => {
  const scope = { origin: "https://docs.example.com", pathPrefix: "/guide/" };

  it("keeps links within the origin and prefix, resolved, without fragments, each once", () => {
    const html = `<a href="b.html#top">B</a><a href="/guide/c">C</a><a href="/guide/c#x">C again</a>
      <a href="/blog/d">out of prefix</a><a href="https://other.example.com/guide/e">other origin</a>
      <a href="mailto:x@example.com">mail</a><a href="/guide/logo.png">image</a><a>no href</a>
      <a href="javascript:void(0)">js</a><a href="http://docs.example.com/guide/f">other scheme</a>`;
    expect(pageLinks(html, new URL("https://docs.example.com/guide/a.html"), scope, 100)).toEqual([
      "https://docs.example.com/guide/b.html",
      "https://docs.example.com/guide/c",
    ]);
  });

  it("resolves against <base href> and stops at the limit", () => {
    const html = `<base href="/guide/v2/"><a href="x">x</a><a href="y">y</a><a href="z">z</a>`;
    expect(pageLinks(html, new URL("https://docs.example.com/guide/"), scope, 2)).toEqual([
      "https://docs.example.com/guide/v2/x",
      "https://docs.example.com/guide/v2/y",
    ]);
  });
});

describe("parseSitemap", () => {
  it("reads the pages of a urlset and the sitemaps of an index, up to the limit", () => {
    const urlset = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://example.com/a?x=1&amp;y=2 </loc><lastmod>2026-01-01</lastmod></url>
      <url><loc>https://example.com/b</loc></url><url><loc>https://example.com/c</loc></url></urlset>`;
    expect(parseSitemap(urlset, 2)).toEqual({
      pages: ["https://example.com/a?x=1&y=2", "https://example.com/b"],
      sitemaps: [],
    });
    const index = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sm:sitemap><sm:loc>https://example.com/s1.xml</sm:loc></sm:sitemap></sm:sitemapindex>`;
    expect(parseSitemap(index, 10)).toEqual({ pages: [], sitemaps: ["https://example.com/s1.xml"] });
  });

  it("ignores what is not a sitemap", () => {
    expect(parseSitemap("<html><body><loc>x</loc></body></html>", 10)).toEqual({ pages: [], sitemaps: [] });
    expect(parseSitemap("not xml at all", 10)).toEqual({ pages: [], sitemaps: [] });
  });
});
