import { type DocumentRow, findDocument } from "../db/documents";
import { countGonePage, findSource, finishSyncIfDone } from "../db/sources";
import { claimGonePage, type FetchOutcome, finishFetch } from "../db/url-documents";
import { AppError } from "../lib/app-error";
import { newId } from "../lib/ids";
import { type FetchedPage, FetchFailedError, safeFetch } from "../lib/safe-fetch";
import { sha256Hex } from "../lib/sha256";
import { RefusedUrlError } from "../lib/url-guard";
import { acceptDocumentContent, acceptDocumentSize, documentHeadBytes } from "./accept-document";
import { guardedFetch, type IngestDependencies } from "./ingest-dependencies";
import type { FetchMessage } from "./ingest-message";
import { fetchedObjectKey } from "./object-keys";
import { addSourcePages } from "./source-pages";
import { submitDocuments } from "./submit-document";

const decoder = new TextDecoder();

/**
 * The fetch step of a URL document (or a page of a website source): fetches its URL through the SSRF guard, with a
 * conditional request when its latest version serves, and submits what changed as a new version through the one
 * intake (`submitDocuments`), so parsing, chunking and embedding stay one path. A 304 or the same bytes cost no
 * ingestion. A refused URL or a permanent failure marks the document failed with the reason; a transient one
 * (timeout, 5xx) throws, for the queue to retry. A page of a `site` source adds the pages it links to. Safe to run
 * twice: only a document whose fetch is pending is fetched.
 */
export async function fetchDocument(deps: IngestDependencies, message: FetchMessage): Promise<void> {
  const document = await findDocument(deps.db, message.tenantId, message.documentId);
  if (!document?.url || !document.fetchPending || document.status === "deleting") return;
  const serving = document.activeVersion !== null && document.activeVersion === document.version;
  let page: FetchedPage;
  try {
    page = await safeFetch(document.url, {
      ...guardedFetch(deps),
      validators: serving ? { etag: document.etag, lastModified: document.lastModified } : undefined,
    });
  } catch (error) {
    if (error instanceof FetchFailedError && error.transient) throw error;
    if (error instanceof FetchFailedError && error.gone && document.sourceId) return removeGonePage(deps, document);
    if (error instanceof RefusedUrlError || error instanceof FetchFailedError) {
      return finish(deps, document, { kind: "failed", reason: error.message });
    }
    throw error;
  }
  if (page.notModified) return finish(deps, document, { kind: "unchanged", validators: page.validators });

  let contentType: ReturnType<typeof acceptDocumentContent>;
  try {
    contentType = acceptDocumentContent({
      head: page.body.subarray(0, documentHeadBytes),
      filename: page.url.pathname,
      declaredType: page.contentType,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const type = page.contentType ? ` (${page.contentType.slice(0, 100)})` : "";
    const reason = `${document.url} is not a document that can be ingested${type}: text, Markdown, HTML, PDF, DOCX, CSV or JSON are`;
    return finish(deps, document, { kind: "failed", reason });
  }
  try {
    acceptDocumentSize(page.body.byteLength, contentType, document.url);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return finish(deps, document, { kind: "failed", reason: error.message });
  }
  const sha256 = await sha256Hex(page.body);
  if (serving && sha256 === document.sha256 && contentType === document.contentType) {
    return finish(deps, document, { kind: "unchanged", validators: page.validators });
  }

  if (contentType === "text/html" && document.sourceId) await followLinks(deps, document, page.url, page.body);
  const r2Key = fetchedObjectKey(document.tenantId, document.id, newId());
  await deps.bucket.put(r2Key, page.body, {
    httpMetadata: { contentType },
    sha256,
    customMetadata: { tenantId: document.tenantId, documentId: document.id, url: document.url.slice(0, 1024) },
  });
  await submitDocuments(deps, [
    {
      tenantId: document.tenantId,
      documentId: document.id,
      externalId: document.externalId,
      title: document.title,
      titleSource: document.titleSource === "explicit" ? "explicit" : "filename",
      contentType,
      collection: document.collection,
      source: document.source,
      url: document.url,
      stored: { r2Key, size: page.body.byteLength, sha256 },
    },
  ]);
  return finish(deps, document, {
    kind: "submitted",
    added: document.activeVersion === null,
    validators: page.validators,
  });
}

/** Gives up on a fetch that failed after every retry (the dead-letter queue), with the last reason recorded. */
export async function abandonFetch(deps: IngestDependencies, message: FetchMessage, reason: string): Promise<void> {
  const document = await findDocument(deps.db, message.tenantId, message.documentId);
  if (document?.fetchPending) await finish(deps, document, { kind: "failed", reason });
}

async function finish(deps: IngestDependencies, document: DocumentRow, outcome: FetchOutcome): Promise<void> {
  const finished = await finishFetch(deps.db, document, outcome);
  if (finished && document.syncId) await finishSyncIfDone(deps.db, document.syncId);
}

/** A site's page that answers 404 or 410 was removed from the site: its document is deleted. */
async function removeGonePage(deps: IngestDependencies, document: DocumentRow): Promise<void> {
  if (!(await claimGonePage(deps.db, document))) return;
  if (document.syncId) await countGonePage(deps.db, document.syncId);
  try {
    await deps.queue.send({ type: "delete", tenantId: document.tenantId, documentId: document.id });
  } catch (error) {
    console.error("Could not queue a deletion; the reconciler will send it", error);
  }
  if (document.syncId) await finishSyncIfDone(deps.db, document.syncId);
}

/** A `site` source grows by the links of its pages, within its scope and page limit, before the page's fetch ends. */
async function followLinks(deps: IngestDependencies, document: DocumentRow, url: URL, body: Uint8Array) {
  if (!document.sourceId || !document.syncId) return;
  const source = await findSource(deps.db, document.tenantId, document.sourceId);
  if (source?.kind !== "site") return;
  const start = new URL(source.url);
  const scope = { origin: start.origin, pathPrefix: source.pathPrefix ?? "/" };
  // Imported on first use, as the document parsers are: the HTML parser stays out of a question-answering isolate.
  const { pageLinks } = await import("./page-links");
  const links = pageLinks(decoder.decode(body), url, scope, source.pageLimit).filter((link) => link.length <= 256);
  await addSourcePages(deps, source, document.syncId, links);
}
