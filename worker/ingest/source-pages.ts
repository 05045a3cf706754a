import { and, eq, ne } from "drizzle-orm";
import { maxTitleLength } from "../contract";
import { runBatch } from "../db/run-batch";
import { documents } from "../db/schema";
import type { SourceRow } from "../db/sources";
import { requestFetchStatement, requestRefetchStatement } from "../db/url-documents";
import { newId } from "../lib/ids";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement, platformLimits } from "../lib/platform-limits";
import { titleFromFilename } from "./document-title";
import type { IngestMessage } from "./ingest-message";
import type { SubmitDependencies } from "./submit-document";

/** The title of a page before it is fetched (its `<title>` replaces it): the last part of its path, or its host. */
export function titleFromUrl(url: URL): string {
  const segment = url.pathname
    .split("/")
    .filter((part) => part !== "")
    .at(-1);
  return segment ? titleFromFilename(decodeSegment(segment)) : url.hostname.slice(0, maxTitleLength);
}

/**
 * Adds pages found for a source (by its sitemap, or by links of its pages) as documents waiting for their first fetch
 * in sync `syncId`, up to the source's page limit; pages it already has, or whose URL is another document's external
 * id, are left alone. Queues their fetches; returns how many were added.
 */
export async function addSourcePages(
  deps: Pick<SubmitDependencies, "db" | "queue">,
  source: SourceRow,
  syncId: string,
  urls: string[],
): Promise<number> {
  const pages = await deps.db.$count(
    documents,
    and(eq(documents.sourceId, source.id), ne(documents.status, "deleting")),
  );
  const room = source.pageLimit - pages;
  const now = new Date();
  const statements = urls.slice(0, Math.max(0, room)).map((url) =>
    requestFetchStatement(
      deps.db,
      {
        id: newId(),
        tenantId: source.tenantId,
        externalId: url,
        url,
        title: titleFromUrl(new URL(url)),
        titleSource: "filename",
        collection: source.collection,
        source: "url",
        sourceId: source.id,
        syncId,
      },
      now,
      { onlyNew: true },
    ),
  );
  const added: Array<{ id: string; tenantId: string }> = [];
  for (const group of inGroups(statements, platformLimits.d1.statementsPerBatch)) {
    const [first, ...rest] = group;
    if (!first) continue;
    for (const rows of await deps.db.batch([first, ...rest])) added.push(...rows);
  }
  await sendFetchMessages(deps.queue, added);
  return added.length;
}

/**
 * Asks for a new fetch of documents that have a URL (a source's known pages; a URL document re-ingested by an admin),
 * as part of sync `syncId` when there is one, and queues the fetches.
 */
export async function requestRefetches(
  deps: Pick<SubmitDependencies, "db" | "queue">,
  pages: Array<{ id: string; tenantId: string }>,
  syncId: string | null,
): Promise<void> {
  const now = new Date();
  await runBatch(
    deps.db,
    inGroups(
      pages.map((page) => page.id),
      idsPerStatement,
    ).map((ids) => [requestRefetchStatement(deps.db, ids, syncId, now)]),
  );
  await sendFetchMessages(deps.queue, pages);
}

/**
 * Sends the fetch of each document. D1 already records it (`fetchPending`), so a failed send is logged and left to
 * the reconciler.
 */
export async function sendFetchMessages(
  queue: Pick<Queue<IngestMessage>, "sendBatch">,
  pending: Array<{ id: string; tenantId: string }>,
): Promise<void> {
  const messages = pending.map((document) => ({
    body: { type: "fetch" as const, tenantId: document.tenantId, documentId: document.id },
  }));
  try {
    for (const group of inGroups(messages, platformLimits.queues.sendBatchMessages)) await queue.sendBatch(group);
  } catch (error) {
    console.error("Could not queue fetches; the reconciler will send them", error);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
