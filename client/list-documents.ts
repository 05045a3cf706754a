import type { DocumentView } from "../worker/contract.ts";
import { type ApiClient, readBody } from "./api-client.ts";

/**
 * Every document of the caller's tenant, newest first: `GET /api/documents` a page (up to 500) at a time, following
 * each page's `nextCursor`.
 */
export async function listAllDocuments(api: ApiClient, signal?: AbortSignal): Promise<DocumentView[]> {
  const documents: DocumentView[] = [];
  let before: string | null = null;
  do {
    const page: { documents: DocumentView[]; nextCursor: string | null } = await readBody(
      api.documents.$get({ query: before === null ? {} : { before } }, signal ? { init: { signal } } : undefined),
    );
    documents.push(...page.documents);
    before = page.nextCursor;
  } while (before !== null);
  return documents;
}
