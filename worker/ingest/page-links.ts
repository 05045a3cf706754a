import { Parser } from "htmlparser2";

/** Where a site crawl may go: same origin as the start URL, and a path that starts with the prefix. */
export interface CrawlScope {
  origin: string;
  pathPrefix: string;
}

// Links to files that are never documents (images, styles, scripts, media, archives) are not followed.
const skippedExtensions =
  /\.(?:png|jpe?g|gif|webp|avif|svg|ico|css|js|mjs|map|woff2?|ttf|eot|mp[34]|webm|ogg|wav|zip|gz|tgz|rar|7z|exe|dmg|iso)$/i;

/**
 * The pages an HTML page links to (`<a href>`) within `scope`, as absolute URLs without fragments, each once, at most
 * `limit`. Relative links are resolved against the page's `<base href>` or its URL. Runs in one pass over the page.
 */
export function pageLinks(html: string, pageUrl: URL, scope: CrawlScope, limit: number): string[] {
  const found = new Set<string>();
  let base = pageUrl;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (found.size >= limit) return;
        if (name === "base" && attributes.href) {
          base = resolve(attributes.href, pageUrl) ?? base;
          return;
        }
        if (name !== "a" || attributes.href === undefined) return;
        const link = resolve(attributes.href, base);
        if (link && inScope(link, scope)) found.add(link.href);
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return [...found];
}

/** Whether a URL is within a crawl's scope and worth fetching as a page. */
export function inScope(url: URL, scope: CrawlScope): boolean {
  return (
    (url.protocol === "https:" || url.protocol === "http:") &&
    url.origin === scope.origin &&
    url.pathname.startsWith(scope.pathPrefix) &&
    !skippedExtensions.test(url.pathname)
  );
}

function resolve(href: string, base: URL): URL | null {
  try {
    const url = new URL(href.trim(), base);
    url.hash = "";
    return url;
  } catch {
    return null;
  }
}
