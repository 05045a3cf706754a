import { runBatch } from "../db/run-batch";
import {
  discoveredStatement,
  failSync,
  findSource,
  findSourceSync,
  finishSyncIfDone,
  type SourceRow,
} from "../db/sources";
import { sourcePages } from "../db/url-documents";
import { FetchFailedError, safeFetch } from "../lib/safe-fetch";
import { RefusedUrlError } from "../lib/url-guard";
import { guardedFetch, type IngestDependencies } from "./ingest-dependencies";
import type { SyncSourceMessage } from "./ingest-message";
import { requestDeletions } from "./request-deletion";
import { addSourcePages, requestRefetches } from "./source-pages";

const decoder = new TextDecoder();
/** Sitemaps of a sitemap index read at most: each is one more request in the discovery's message. */
const maxChildSitemaps = 10;
/** The longest URL a page may have: it is the page's external id. */
const maxPageUrlLength = 256;

/**
 * The first step of a source's sync: finds its pages (the one URL; the sitemap's pages; or, for a site, the pages it
 * has and its start URL, the crawl finding more as pages are fetched), deletes the pages that left the sitemap, and
 * queues a fetch of every page, each recorded in D1 first (the outbox). A sitemap that cannot be read fails the sync
 * with the reason; a transient failure throws, for the queue to retry. A sync no longer discovering is left alone.
 */
export async function syncSource(deps: IngestDependencies, message: SyncSourceMessage): Promise<void> {
  const { db } = deps;
  const sync = await findSourceSync(db, message.syncId);
  const source = await findSource(db, message.tenantId, message.sourceId);
  if (sync?.status !== "discovering" || !source) return;
  let urls: string[];
  try {
    urls = await discoverPages(deps, source);
  } catch (error) {
    if (error instanceof FetchFailedError && error.transient) throw error;
    if (error instanceof RefusedUrlError || error instanceof FetchFailedError) {
      await failSync(db, sync.id, `The sitemap could not be read: ${error.message}`);
      return;
    }
    throw error;
  }

  try {
    await recordDiscovery(deps, source, sync.id, urls);
  } catch (error) {
    // The source was removed while its pages were being found: there is nothing left to sync.
    if (!(await findSource(db, message.tenantId, message.sourceId))) return;
    throw error;
  }
}

/** Deletes the pages that left the source, queues a fetch of every page, and records what the discovery found. */
async function recordDiscovery(
  deps: IngestDependencies,
  source: NonNullable<Awaited<ReturnType<typeof findSource>>>,
  syncId: string,
  urls: string[],
): Promise<void> {
  const { db } = deps;
  const sync = { id: syncId };
  const known = await sourcePages(db, source.id);
  const wanted = new Set(urls);
  const live = known.filter((page) => page.status !== "deleting");
  const leaving = source.kind === "site" ? [] : live.filter((page) => !page.url || !wanted.has(page.url));
  const staying = live.filter((page) => !leaving.includes(page));
  await requestDeletions(
    deps,
    source.tenantId,
    leaving.map((page) => page.id),
  );
  await requestRefetches(
    deps,
    staying.map((page) => ({ id: page.id, tenantId: source.tenantId })),
    sync.id,
  );
  // Every page is marked as waiting before the sync moves on to `fetching`: a fetch that ends sooner cannot end the
  // sync while pages are still being added.
  const knownUrls = new Set(known.map((page) => page.url));
  await addSourcePages(
    deps,
    source,
    sync.id,
    urls.filter((url) => !knownUrls.has(url)),
  );
  await runBatch(db, [[discoveredStatement(db, sync.id, { pagesFound: urls.length, removed: leaving.length })]]);
  await finishSyncIfDone(db, sync.id);
}

/** Gives up on a discovery that failed after every retry (the dead-letter queue). */
export async function abandonSync(deps: IngestDependencies, message: SyncSourceMessage): Promise<void> {
  await failSync(deps.db, message.syncId, "Finding the source's pages failed after retries");
}

async function discoverPages(deps: IngestDependencies, source: SourceRow): Promise<string[]> {
  if (source.kind === "url") return [source.url];
  if (source.kind === "site") {
    const known = await sourcePages(deps.db, source.id);
    const urls = known.flatMap((page) => (page.url && page.status !== "deleting" ? [page.url] : []));
    return [...new Set([source.url, ...urls])].slice(0, source.pageLimit);
  }
  // Imported on first use, as the document parsers are: the XML parser stays out of a question-answering isolate.
  const { parseSitemap } = await import("./sitemap");
  const origin = new URL(source.url).origin;
  const pages = new Set<string>();
  const sitemaps = [source.url];
  for (let read = 0; read < sitemaps.length && read <= maxChildSitemaps && pages.size < source.pageLimit; read += 1) {
    const entries = parseSitemap(await readSitemap(deps, sitemaps[read] ?? ""), source.pageLimit);
    for (const page of entries.pages) {
      const url = sameOriginUrl(page, origin);
      if (url && pages.size < source.pageLimit) pages.add(url);
    }
    // Only the index itself may list sitemaps: nested indexes are not followed.
    if (read === 0) sitemaps.push(...entries.sitemaps.slice(0, maxChildSitemaps));
  }
  return [...pages];
}

async function readSitemap(deps: IngestDependencies, url: string): Promise<string> {
  const fetched = await safeFetch(url, {
    ...guardedFetch(deps),
  });
  return fetched.notModified ? "" : decoder.decode(fetched.body);
}

// The sitemap protocol lists pages of the sitemap's own site; anything else is ignored.
function sameOriginUrl(text: string, origin: string): string | null {
  try {
    const url = new URL(text);
    url.hash = "";
    return url.origin === origin && url.href.length <= maxPageUrlLength ? url.href : null;
  } catch {
    return null;
  }
}
