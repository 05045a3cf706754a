import { and, asc, eq, gte, lt } from "drizzle-orm";
import type { z } from "zod";
import type { DocumentChunksPage, DocumentChunkView, documentChunksQuerySchema } from "../contract";
import { repeatedPrefixLength } from "../rag/chunk-overlap";
import type { Db } from "./client";
import type { DocumentRow } from "./documents";
import { chunks } from "./schema";

/** Which page of a document's text to read: at most one of `from`, `before` and `chunk`. */
export type TextPageRequest = z.output<typeof documentChunksQuerySchema>;

/** About this many characters of text at most in one page (always at least one passage). */
export const maxPageCharacters = 100_000;

type ChunkRow = Omit<DocumentChunkView, "repeated">;

/**
 * A page of the text of `document`'s active version, in reading order, for the document view: the passages with
 * what each repeats of the one before, and the cursors of the pages around it. One or two D1 reads on the
 * `(document, version, ordinal)` index. The caller has checked that the caller may read the document.
 */
export async function readDocumentText(
  db: Db,
  document: DocumentRow,
  request: TextPageRequest,
): Promise<DocumentChunksPage> {
  const view = {
    id: document.id,
    title: document.title,
    collection: document.collection,
    contentType: document.contentType,
    status: document.status,
  };
  const version = document.activeVersion;
  if (version === null) return { document: view, chunks: [], previous: null, next: null };
  const scope = { tenantId: document.tenantId, documentId: document.id, version };

  const { limit, from, before, chunk } = request;
  const target = chunk === undefined ? null : await chunkOrdinal(db, scope, chunk);
  const start =
    from ?? (before !== undefined ? Math.max(0, before - limit) : Math.max(0, (target ?? 0) - Math.floor(limit / 4)));
  const end = before ?? start + limit;
  // One passage before the page, to tell what its first one repeats, and one after, to tell whether more follow.
  const rows = await chunkRows(db, scope, Math.max(0, start - 1), end + 1);
  const placed = rows.map((row, index) => {
    const before = rows[index - 1];
    const continues =
      before !== undefined &&
      before.ordinal === row.ordinal - 1 &&
      before.headingPath === row.headingPath &&
      before.page === row.page;
    return { ...row, repeated: continues ? repeatedPrefixLength(before.text, row.text) : 0 };
  });
  const inRange = placed.filter((row) => row.ordinal >= start && row.ordinal < end);
  const anchor = target ?? (before !== undefined ? (inRange.at(-1)?.ordinal ?? start) : start);
  const page = withinSize(inRange, anchor);
  const first = page[0];
  const last = page.at(-1);
  if (first === undefined || last === undefined) return { document: view, chunks: [], previous: null, next: null };
  return {
    document: view,
    chunks: page,
    previous: first.ordinal > 0 ? first.ordinal : null,
    next: placed.some((row) => row.ordinal > last.ordinal) ? last.ordinal + 1 : null,
  };
}

// Drops passages from the front, then from the back, never the anchor, until the page fits `maxPageCharacters`.
function withinSize(page: DocumentChunkView[], anchor: number): DocumentChunkView[] {
  let size = page.reduce((total, chunk) => total + chunk.text.length, 0);
  let first = 0;
  let end = page.length;
  while (size > maxPageCharacters && end - first > 1 && (page[first]?.ordinal ?? anchor) < anchor) {
    size -= page[first]?.text.length ?? 0;
    first += 1;
  }
  while (size > maxPageCharacters && end - first > 1) {
    end -= 1;
    size -= page[end]?.text.length ?? 0;
  }
  return page.slice(first, end);
}

interface VersionScope {
  tenantId: string;
  documentId: string;
  version: number;
}

function versionCondition({ tenantId, documentId, version }: VersionScope) {
  return and(eq(chunks.tenantId, tenantId), eq(chunks.documentId, documentId), eq(chunks.version, version));
}

// The first position of a passage in the version; null when the version has no such passage (the document changed).
async function chunkOrdinal(db: Db, scope: VersionScope, chunkId: string): Promise<number | null> {
  const row = await db
    .select({ ordinal: chunks.ordinal })
    .from(chunks)
    .where(and(versionCondition(scope), eq(chunks.vectorId, chunkId)))
    .orderBy(asc(chunks.ordinal))
    .limit(1)
    .get();
  return row?.ordinal ?? null;
}

function chunkRows(db: Db, scope: VersionScope, from: number, end: number): Promise<ChunkRow[]> {
  return db
    .select({
      chunkId: chunks.vectorId,
      ordinal: chunks.ordinal,
      headingPath: chunks.headingPath,
      page: chunks.page,
      text: chunks.text,
    })
    .from(chunks)
    .where(and(versionCondition(scope), gte(chunks.ordinal, from), lt(chunks.ordinal, end)))
    .orderBy(asc(chunks.ordinal));
}
