import type { z } from "zod";
import type { batchDocumentSchema } from "../contract";
import type { DocumentRow } from "../db/documents";
import type { DocumentSource } from "../db/schema";
import { requestFetchStatement } from "../db/url-documents";
import { AppError } from "../lib/app-error";
import { newId } from "../lib/ids";
import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import { acceptDocumentFields, acceptDocumentSize, batchTextLimit } from "./accept-document";
import { sendFetchMessages, titleFromUrl } from "./source-pages";
import { type SubmitDependencies, submitDocuments } from "./submit-document";

export type BatchDocument = z.infer<typeof batchDocumentSchema>;

const encoder = new TextEncoder();

/**
 * Creates or updates documents given as text or as a URL, keyed by external id: the batch route and signed webhooks.
 * Text passes the one intake check (sizes, ids, collection, title); a batch's text is text of the type it declares, so
 * there are no bytes to sniff. A URL document is recorded as waiting for its fetch, which the ingest queue does (with
 * the SSRF guard and the same sniffing as uploads), so a request never waits on another server.
 */
export async function submitBatch(
  deps: SubmitDependencies,
  request: { tenantId: string; documents: BatchDocument[]; source: DocumentSource; maxBytes: number },
): Promise<Array<{ document: DocumentRow; changed: boolean }>> {
  const limit = batchTextLimit(request.maxBytes);
  const texts = request.documents.flatMap((item) => {
    if (item.text === undefined) return [];
    const body = encoder.encode(item.text);
    const fields = acceptDocumentFields({ ...item, filename: null, size: body.byteLength }, limit);
    acceptDocumentSize(body.byteLength, item.contentType, fields.externalId);
    return [{ tenantId: request.tenantId, ...fields, body, contentType: item.contentType, source: request.source }];
  });
  const submitted = texts.length === 0 ? [] : await submitDocuments(deps, texts);
  const fetched = await requestFetches(deps, request);
  const byExternalId = new Map(
    [...submitted, ...fetched].map((result) => [result.document.externalId ?? "", result] as const),
  );
  return request.documents.map((item) => {
    const result = byExternalId.get(item.externalId);
    if (!result) throw new Error(`Document "${item.externalId}" was not submitted`);
    return result;
  });
}

async function requestFetches(
  deps: SubmitDependencies,
  request: { tenantId: string; documents: BatchDocument[]; source: DocumentSource },
): Promise<Array<{ document: DocumentRow; changed: boolean }>> {
  const now = new Date();
  const statements = request.documents.flatMap((item) => {
    if (item.url === undefined) return [];
    const url = new URL(item.url);
    return [
      requestFetchStatement(
        deps.db,
        {
          id: newId(),
          tenantId: request.tenantId,
          externalId: item.externalId,
          url: url.href,
          title: item.title ?? titleFromUrl(url),
          titleSource: item.title === undefined ? "filename" : "explicit",
          collection: item.collection,
          source: request.source,
        },
        now,
      ),
    ];
  });
  const written: DocumentRow[] = [];
  for (const group of inGroups(statements, platformLimits.d1.statementsPerBatch)) {
    const [first, ...rest] = group;
    if (!first) continue;
    for (const rows of await deps.db.batch([first, ...rest])) written.push(...rows);
  }
  if (written.length < statements.length) {
    throw new AppError("conflict", "A document of this batch is being deleted; send it again once it is gone");
  }
  await sendFetchMessages(deps.queue, written);
  return written.map((document) => ({ document, changed: true }));
}
