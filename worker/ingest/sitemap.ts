import { Parser } from "htmlparser2";

/** What a sitemap lists: pages (`<urlset>`), or other sitemaps (`<sitemapindex>`). */
export interface SitemapEntries {
  pages: string[];
  sitemaps: string[];
}

/**
 * Reads the `<loc>` of each `<url>` and `<sitemap>` entry of a sitemap (sitemaps.org), in one pass, keeping at most
 * `limit` of each. Entries are returned as written; the caller checks them.
 */
export function parseSitemap(xml: string, limit: number): SitemapEntries {
  const entries: SitemapEntries = { pages: [], sitemaps: [] };
  const open: string[] = [];
  let text = "";
  const parser = new Parser(
    {
      onopentag(name) {
        open.push(localName(name));
        text = "";
      },
      ontext(data) {
        // A location is at most a few kilobytes; more is not a URL worth keeping.
        if (open.at(-1) === "loc" && text.length < 4096) text += data;
      },
      onclosetag(name) {
        const closed = localName(name);
        open.pop();
        if (closed !== "loc") return;
        const location = text.trim();
        const list = open.at(-1) === "sitemap" ? entries.sitemaps : open.at(-1) === "url" ? entries.pages : null;
        if (list && location && list.length < limit) list.push(location);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return entries;
}

// Sitemaps may use a namespace prefix (`<sm:loc>`).
function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1).toLowerCase();
}
