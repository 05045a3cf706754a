import type { z } from "zod";
import type { batchDocumentSchema } from "../contract";
import type { DocumentRow } from "../db/documents";
import type { DocumentSource } from "../db/schema";
import { acceptDocumentFields, acceptDocumentSize, batchTextLimit } from "./accept-document";
import { type SubmitDependencies, submitDocuments } from "./submit-document";

export type BatchDocument = z.infer<typeof batchDocumentSchema>;

const encoder = new TextEncoder();

/**
 * Creates or updates documents given as text, keyed by external id: the batch route and signed webhooks. Each passes
 * the one intake check (sizes, ids, collection, title); a batch's text is text of the type it declares, so there are
 * no bytes to sniff.
 */
export async function submitBatch(
  deps: SubmitDependencies,
  request: { tenantId: string; documents: BatchDocument[]; source: DocumentSource; maxBytes: number },
): Promise<Array<{ document: DocumentRow; changed: boolean }>> {
  const limit = batchTextLimit(request.maxBytes);
  const submissions = request.documents.map((item) => {
    const body = encoder.encode(item.text);
    const fields = acceptDocumentFields({ ...item, filename: null, size: body.byteLength }, limit);
    acceptDocumentSize(body.byteLength, item.contentType, fields.externalId);
    return { tenantId: request.tenantId, ...fields, body, contentType: item.contentType, source: request.source };
  });
  return submitDocuments(deps, submissions);
}
