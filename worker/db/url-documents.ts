import { and, eq, inArray, sql } from "drizzle-orm";
import type { PageValidators } from "../lib/safe-fetch";
import type { Db } from "./client";
import type { DocumentRow } from "./documents";
import { type DocumentSource, documents, type TitleSource } from "./schema";

/** A document to be fetched from `url`, as created before its first fetch. */
export interface UrlDocumentFields {
  id: string;
  tenantId: string;
  externalId: string;
  url: string;
  title: string;
  titleSource: Extract<TitleSource, "explicit" | "filename">;
  collection: string;
  source: DocumentSource;
  sourceId?: string | null;
  syncId?: string | null;
}

/**
 * Creates a document that waits for its first fetch (no file yet: version 0, nothing serving), or, for an existing
 * document of that external id, points it at `url` and asks for a fetch; either way in one statement with the outbox
 * (`fetchPending`, status `queued`). `onlyNew` leaves existing documents alone (a site's pages found by a crawl).
 */
export function requestFetchStatement(db: Db, fields: UrlDocumentFields, now: Date, options = { onlyNew: false }) {
  const pending = {
    url: fields.url,
    status: "queued" as const,
    fetchPending: true,
    error: null,
    pendingAt: now,
    updatedAt: now,
    syncId: fields.syncId ?? null,
    syncOutcome: null,
  };
  const insert = db.insert(documents).values({
    ...fields,
    sourceId: fields.sourceId ?? null,
    r2Key: "",
    contentType: "text/html",
    size: 0,
    sha256: "",
    version: 0,
    ...pending,
  });
  const upsert = options.onlyNew
    ? insert.onConflictDoNothing()
    : insert.onConflictDoUpdate({
        target: [documents.tenantId, documents.externalId],
        set: {
          ...pending,
          title: fields.title,
          titleSource: fields.titleSource,
          collection: fields.collection,
          source: fields.source,
        },
        // A document being deleted is not brought back by a fetch.
        setWhere: sql`${documents.status} <> 'deleting'`,
      });
  return upsert.returning();
}

/** Asks for a fetch of documents that already have a URL (a source's known pages), as part of sync `syncId`. */
export function requestRefetchStatement(db: Db, ids: string[], syncId: string | null, now: Date) {
  return db
    .update(documents)
    .set({
      status: "queued",
      fetchPending: true,
      pendingAt: now,
      updatedAt: now,
      syncId,
      syncOutcome: null,
    })
    .where(and(inArray(documents.id, ids), sql`${documents.status} <> 'deleting'`, sql`${documents.url} IS NOT NULL`));
}

/** How a fetch ended, for the document and the sync that asked for it. */
export type FetchOutcome =
  | { kind: "unchanged"; validators: PageValidators }
  | { kind: "submitted"; added: boolean; validators: PageValidators }
  | { kind: "failed"; reason: string };

/**
 * Records the end of a pending fetch; a no-op (returns false) when no fetch was pending (a duplicate message). An
 * unchanged page is `ready` again; a submitted one keeps the `queued` its new version was given; a failed one is
 * `failed` with the reason, while any version it had keeps serving.
 */
export async function finishFetch(db: Db, document: DocumentRow, outcome: FetchOutcome): Promise<boolean> {
  const now = new Date();
  const changes =
    outcome.kind === "failed"
      ? { status: "failed" as const, error: outcome.reason, syncOutcome: "failed" as const }
      : {
          ...(outcome.kind === "unchanged" ? { status: "ready" as const } : {}),
          error: null,
          etag: outcome.validators.etag,
          lastModified: outcome.validators.lastModified,
          syncOutcome:
            outcome.kind === "unchanged"
              ? ("unchanged" as const)
              : outcome.added
                ? ("added" as const)
                : ("changed" as const),
        };
  const rows = await db
    .update(documents)
    .set({ ...changes, fetchPending: false, pendingAt: now, updatedAt: now })
    .where(and(eq(documents.id, document.id), eq(documents.fetchPending, true)))
    .returning({ id: documents.id });
  return rows.length > 0;
}

/** Marks a page that is gone from its site as being deleted, if its fetch was still pending; returns whether it was. */
export async function claimGonePage(db: Db, document: DocumentRow): Promise<boolean> {
  const now = new Date();
  const rows = await db
    .update(documents)
    .set({ status: "deleting", fetchPending: false, syncId: null, pendingAt: now, updatedAt: now })
    .where(and(eq(documents.id, document.id), eq(documents.fetchPending, true)))
    .returning({ id: documents.id });
  return rows.length > 0;
}

/** Writes why a fetch attempt failed while its retry is on the way, restarting the outbox clock. */
export function recordFetchAttempt(db: Db, documentId: string, reason: string) {
  const now = new Date();
  return db
    .update(documents)
    .set({ error: reason, pendingAt: now, updatedAt: now })
    .where(and(eq(documents.id, documentId), eq(documents.fetchPending, true)));
}

/** The pages of a source: id, URL and status. */
export function sourcePages(db: Db, sourceId: string) {
  return db
    .select({ id: documents.id, url: documents.url, externalId: documents.externalId, status: documents.status })
    .from(documents)
    .where(eq(documents.sourceId, sourceId));
}
