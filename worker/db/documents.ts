import { and, desc, eq, inArray, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import type { DocumentView, IngestJobView, TimeIdCursor } from "../contract";
import { newId } from "../lib/ids";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement } from "../lib/platform-limits";
import type { Db } from "./client";
import { type DocumentSource, type DocumentStatus, documents, ingestJobs } from "./schema";
import { afterTimeIdCursor, timeIdPage } from "./time-id-page";

export type DocumentRow = typeof documents.$inferSelect;

/** The API's view of a document row. */
export function toDocumentView(row: DocumentRow): DocumentView {
  return {
    id: row.id,
    externalId: row.externalId,
    title: row.title,
    collection: row.collection,
    contentType: row.contentType,
    size: row.size,
    status: row.status,
    version: row.version,
    activeVersion: row.activeVersion,
    sha256: row.sha256,
    chunksTotal: row.chunksTotal,
    chunksDone: row.chunksDone,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * A page of the tenant's documents, newest first (ties by id), and the cursor of the page after it (null: none).
 */
export async function listDocuments(
  db: Db,
  tenantId: string,
  { limit, before }: { limit: number; before?: TimeIdCursor | undefined },
): Promise<{ documents: DocumentRow[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), afterTimeIdCursor(documents.createdAt, documents.id, before)))
    .orderBy(desc(documents.createdAt), desc(documents.id))
    .limit(limit + 1);
  const { page, nextCursor } = timeIdPage(rows, limit, (row) => ({ at: row.createdAt, id: row.id }));
  return { documents: page, nextCursor };
}

/** A tenant's document, or undefined: another tenant's id is indistinguishable from a missing one. */
export function findDocument(db: Db, tenantId: string, id: string): Promise<DocumentRow | undefined> {
  return db
    .select()
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), eq(documents.id, id)))
    .get();
}

export function findDocumentByExternalId(
  db: Db,
  tenantId: string,
  externalId: string,
): Promise<DocumentRow | undefined> {
  return db
    .select()
    .from(documents)
    .where(and(eq(documents.tenantId, tenantId), eq(documents.externalId, externalId)))
    .get();
}

/** Statuses that mean work is pending for the document, which the outbox (`pendingAt`) keeps track of. */
export const pendingStatuses = ["queued", "processing", "deleting"] as const satisfies DocumentStatus[];

/**
 * Updates a document (await it, or put it in a batch). A status change also restarts the outbox clock
 * (`pendingAt`), so any code that hands the document new work (e.g. `deleting`) is seen by the reconciler.
 */
export function updateDocument(
  db: Db,
  id: string,
  changes: Partial<Omit<DocumentRow, "id" | "tenantId" | "createdAt">>,
) {
  const now = new Date();
  return db
    .update(documents)
    .set({ ...(changes.status ? { pendingAt: now } : {}), ...changes, updatedAt: now })
    .where(eq(documents.id, id));
}

/**
 * Updates a document only while `version` is its latest version and not yet the one searches see: a late or
 * duplicate message about a version that was switched to or superseded meanwhile changes nothing. Each update
 * counts as progress for the outbox.
 */
export function updatePendingVersion(
  db: Db,
  version: { id: string; version: number },
  changes: Partial<Pick<DocumentRow, "status" | "chunksTotal" | "chunksDone" | "error">>,
) {
  const now = new Date();
  return db
    .update(documents)
    .set({ ...changes, pendingAt: now, updatedAt: now })
    .where(
      and(
        eq(documents.id, version.id),
        eq(documents.version, version.version),
        or(isNull(documents.activeVersion), ne(documents.activeVersion, version.version)),
      ),
    );
}

/** Documents serving vectors of another embedding model, which a model change must re-embed. */
export function documentsWithOtherEmbeddingModel(db: Db, tenantId: string, embeddingModel: string) {
  return db
    .select()
    .from(documents)
    .where(
      and(
        eq(documents.tenantId, tenantId),
        ne(documents.status, "deleting"),
        isNotNull(documents.activeVersion),
        or(isNull(documents.embeddingModel), ne(documents.embeddingModel, embeddingModel)),
      ),
    );
}

export function toIngestJobView(row: typeof ingestJobs.$inferSelect): IngestJobView {
  return {
    version: row.version,
    status: row.status,
    attempts: row.attempts,
    chunks: row.chunks,
    embedded: row.embedded,
    reused: row.reused,
    deleted: row.deleted,
    slicesTotal: row.slicesTotal,
    slicesDone: row.slicesDone,
    durationMs: row.durationMs,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** A tenant's ingestion totals: documents by status, chunks served, and texts embedded over all jobs. */
export async function ingestStats(db: Db, tenantId: string) {
  const [totals] = await db.all<{ documents: number; ready: number; failed: number; pending: number }>(sql`
    SELECT count(*) AS documents,
      coalesce(sum(status = 'ready'), 0) AS ready,
      coalesce(sum(status = 'failed'), 0) AS failed,
      coalesce(sum(status IN ('queued', 'processing')), 0) AS pending
    FROM documents WHERE tenant_id = ${tenantId}`);
  const [jobs] = await db.all<{ jobs: number; embedded: number; reused: number }>(sql`
    SELECT count(*) AS jobs, coalesce(sum(embedded), 0) AS embedded, coalesce(sum(reused), 0) AS reused
    FROM ingest_jobs WHERE tenant_id = ${tenantId}`);
  const [served] = await db.all<{ chunks: number }>(sql`
    SELECT count(*) AS chunks FROM chunks AS c
    JOIN documents AS d ON d.id = c.document_id AND c.version = d.active_version
    WHERE d.tenant_id = ${tenantId}`);
  return {
    documents: Number(totals?.documents ?? 0),
    ready: Number(totals?.ready ?? 0),
    failed: Number(totals?.failed ?? 0),
    pending: Number(totals?.pending ?? 0),
    chunks: Number(served?.chunks ?? 0),
    jobs: Number(jobs?.jobs ?? 0),
    embeddedTexts: Number(jobs?.embedded ?? 0),
    reusedChunks: Number(jobs?.reused ?? 0),
  };
}

/** Documents by id, whatever their tenant (queue messages carry the tenant to check against). */
export async function loadDocuments(db: Db, ids: string[]): Promise<Map<string, DocumentRow>> {
  const loaded = new Map<string, DocumentRow>();
  for (const group of inGroups([...new Set(ids)], idsPerStatement)) {
    for (const row of await db.select().from(documents).where(inArray(documents.id, group))) loaded.set(row.id, row);
  }
  return loaded;
}

/** A document's latest ingestion jobs, newest version first. */
export function recentIngestJobs(db: Db, documentId: string, limit = 10) {
  return db
    .select()
    .from(ingestJobs)
    .where(eq(ingestJobs.documentId, documentId))
    .orderBy(desc(ingestJobs.version))
    .limit(limit);
}

/**
 * Gives a document the title its file declares, unless a newer version was submitted or the submitter named
 * the document since (await it, or put it in a batch).
 */
export function setDeclaredTitle(db: Db, document: Pick<DocumentRow, "id" | "version">, title: string) {
  return db
    .update(documents)
    .set({ title, titleSource: "document", updatedAt: new Date() })
    .where(
      and(
        eq(documents.id, document.id),
        eq(documents.version, document.version),
        ne(documents.titleSource, "explicit"),
      ),
    );
}

/**
 * Records a file that was refused before ingestion (e.g. an unsupported type dropped into the inbox) as a
 * failed document under its external id, creating it or marking the existing one, so the refusal is visible.
 */
export function recordRefusedFile(
  db: Db,
  file: { tenantId: string; externalId: string; title: string; source: DocumentSource; r2Key: string; reason: string },
) {
  const failure = { status: "failed" as const, error: file.reason, r2Key: file.r2Key, updatedAt: new Date() };
  return db
    .insert(documents)
    .values({
      id: newId(),
      tenantId: file.tenantId,
      externalId: file.externalId,
      title: file.title,
      titleSource: "filename",
      source: file.source,
      contentType: "application/octet-stream",
      size: 0,
      sha256: "",
      ...failure,
    })
    .onConflictDoUpdate({ target: [documents.tenantId, documents.externalId], set: failure });
}

/** A tenant's documents with these external ids, by external id. */
export async function findDocumentsByExternalIds(
  db: Db,
  tenantId: string,
  externalIds: string[],
): Promise<Map<string, DocumentRow>> {
  const found = new Map<string, DocumentRow>();
  for (const group of inGroups([...new Set(externalIds)], idsPerStatement)) {
    const rows = await db
      .select()
      .from(documents)
      .where(and(eq(documents.tenantId, tenantId), inArray(documents.externalId, group)));
    for (const row of rows) if (row.externalId !== null) found.set(row.externalId, row);
  }
  return found;
}

/**
 * Marks documents `ready` whose latest version already serves but whose status still says work is pending (left
 * by an interrupted run of an older release): without this, the reconciler would send their work forever.
 */
export function settleServedStatement(db: Db, ids: string[]) {
  return db
    .update(documents)
    .set({ status: "ready", error: null, updatedAt: new Date() })
    .where(
      and(
        inArray(documents.id, ids),
        sql`${documents.version} = ${documents.activeVersion}`,
        inArray(documents.status, ["queued", "processing"]),
      ),
    );
}
