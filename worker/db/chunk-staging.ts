import { and, asc, eq, getTableColumns, inArray, lt, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement, platformLimits } from "../lib/platform-limits";
import type { Db } from "./client";
import { chunks, documents } from "./schema";

/** A document version being ingested. */
export type DocumentVersion = { id: string; tenantId: string; version: number };

export interface ChunkInput {
  vectorId: string;
  ordinal: number;
  headingPath: string;
  page: number | null;
  text: string;
  contentHash: string;
  vectorReady: boolean;
}

export interface PendingChunk {
  documentId: string;
  ordinal: number;
  vectorId: string;
  headingPath: string;
  text: string;
}

// An insert binds every column of a row but `seq` (the rowid, written as null); the texts are bound parameters, so
// the SQL itself stays a few hundred bytes however long the chunks are.
const rowsPerInsert = Math.floor(platformLimits.d1.boundParameters / (Object.keys(getTableColumns(chunks)).length - 1));

// Insert statements per transaction while staging: a few hundred rows, so no single D1 transaction holds the
// database (locally, the server's own thread) for long, however many chunks a document has.
const insertsPerStep = 20;

/**
 * The steps that (re)write a version's chunks before it is switched to, each one transaction: the first removes what
 * an earlier attempt at this version staged, the others insert the rows a few hundred at a time. Staged rows are
 * invisible to searches, which only read a document's active version, and a version is only switched to once it
 * has as many indexed rows as its `chunksTotal`, so an attempt that is still staging never looks complete to a slice
 * of an earlier one. A late or duplicate attempt at a version that is already serving changes nothing: the delete
 * spares the active version and the inserts skip rows that exist.
 */
export function stageSteps(db: Db, document: DocumentVersion, rows: ChunkInput[]): Array<Array<BatchItem<"sqlite">>> {
  const removal = db
    .delete(chunks)
    .where(
      and(
        eq(chunks.documentId, document.id),
        eq(chunks.version, document.version),
        sql`${chunks.version} IS NOT (SELECT ${documents.activeVersion} FROM ${documents} WHERE ${documents.id} = ${document.id})`,
      ),
    );
  const inserts = inGroups(rows, rowsPerInsert).map((group) =>
    db
      .insert(chunks)
      .values(
        group.map((row) => ({
          ...row,
          tenantId: document.tenantId,
          documentId: document.id,
          version: document.version,
        })),
      )
      .onConflictDoNothing(),
  );
  return [[removal], ...inGroups(inserts, insertsPerStep)];
}

/**
 * Vector ids each document already has in the index (from other versions, or an earlier attempt at this
 * one): chunks with these need no embedding.
 */
export async function indexedVectorIds(db: Db, documentIds: string[]): Promise<Map<string, Set<string>>> {
  const indexed = new Map<string, Set<string>>(documentIds.map((id) => [id, new Set()]));
  for (const group of inGroups(documentIds, idsPerStatement)) {
    const rows = await db
      .selectDistinct({ documentId: chunks.documentId, vectorId: chunks.vectorId })
      .from(chunks)
      .where(and(inArray(chunks.documentId, group), eq(chunks.vectorReady, true)));
    for (const row of rows) indexed.get(row.documentId)?.add(row.vectorId);
  }
  return indexed;
}

/** The staged chunks in each ordinal range whose vectors are not in the index yet. */
export async function pendingChunks(
  db: Db,
  ranges: Array<{ document: DocumentVersion; from: number; to: number }>,
): Promise<PendingChunk[]> {
  const pending: PendingChunk[] = [];
  // Four parameters a range, and one for the whole statement.
  for (const group of inGroups(ranges, Math.floor((platformLimits.d1.boundParameters - 1) / 4))) {
    pending.push(
      ...(await db
        .select({
          documentId: chunks.documentId,
          ordinal: chunks.ordinal,
          vectorId: chunks.vectorId,
          headingPath: chunks.headingPath,
          text: chunks.text,
        })
        .from(chunks)
        .where(
          and(
            eq(chunks.vectorReady, false),
            or(
              ...group.map(({ document, from, to }) =>
                and(
                  eq(chunks.documentId, document.id),
                  eq(chunks.version, document.version),
                  sql`${chunks.ordinal} BETWEEN ${from} AND ${to}`,
                ),
              ),
            ),
          ),
        )
        .orderBy(asc(chunks.documentId), asc(chunks.ordinal))),
    );
  }
  return pending;
}

/** Marks a version's chunks in an ordinal range as indexed (after their vectors were upserted). */
export function markReadyStatement(
  db: Db,
  { document, from, to }: { document: DocumentVersion; from: number; to: number },
): BatchItem<"sqlite"> {
  return db
    .update(chunks)
    .set({ vectorReady: true })
    .where(
      and(
        eq(chunks.documentId, document.id),
        eq(chunks.version, document.version),
        sql`${chunks.ordinal} BETWEEN ${from} AND ${to}`,
      ),
    );
}

/** For each version, how many of its staged chunks are indexed, and how many it has. */
export async function stagedProgress(
  db: Db,
  versions: DocumentVersion[],
): Promise<Map<string, { ready: number; total: number }>> {
  const progress = new Map<string, { ready: number; total: number }>();
  // Two parameters a version.
  for (const group of inGroups(versions, Math.floor(platformLimits.d1.boundParameters / 2))) {
    const rows = await db
      .select({
        documentId: chunks.documentId,
        ready: sql<number>`coalesce(sum(${chunks.vectorReady}), 0)`,
        total: sql<number>`count(*)`,
      })
      .from(chunks)
      .where(
        or(...group.map((document) => and(eq(chunks.documentId, document.id), eq(chunks.version, document.version)))),
      )
      .groupBy(chunks.documentId);
    for (const row of rows) progress.set(row.documentId, { ready: Number(row.ready), total: Number(row.total) });
  }
  return progress;
}

/** Per document, the vectors of older versions that its new version no longer uses. */
export async function orphanedVectorIds(db: Db, versions: DocumentVersion[]): Promise<Map<string, string[]>> {
  const orphans = new Map<string, string[]>(versions.map((document) => [document.id, []]));
  const updated = versions.filter((document) => document.version > 1);
  // The targets are one multi-row VALUES table, not a UNION ALL of SELECTs: D1 allows 5 terms in a compound SELECT,
  // while the rows of a VALUES clause have no such limit. Two parameters a target.
  for (const group of inGroups(updated, Math.floor(platformLimits.d1.boundParameters / 2))) {
    const rows = await db.all<{ documentId: string; vectorId: string }>(sql`
      SELECT DISTINCT old.document_id AS documentId, old.vector_id AS vectorId
      FROM chunks AS old
      JOIN (VALUES ${sql.join(
        group.map((document) => sql`(${document.id}, ${document.version})`),
        sql`, `,
      )}) AS target ON target.column1 = old.document_id
      WHERE old.version < target.column2
        AND old.vector_id NOT IN (
          SELECT vector_id FROM chunks WHERE document_id = target.column1 AND version >= target.column2)`);
    for (const row of rows) orphans.get(row.documentId)?.push(row.vectorId);
  }
  return orphans;
}

/**
 * Statements switching searches to `version` and removing older versions' rows; run them in one batch so
 * the switch is one transaction. The switch does nothing when a version at least as new is already active, or
 * when the version has no rows.
 */
export function activationStatements(
  db: Db,
  document: DocumentVersion,
  details: { chunks: number; embeddingModel: string },
): Array<BatchItem<"sqlite">> {
  return [
    db
      .update(documents)
      .set({
        activeVersion: document.version,
        // A newer version may already be queued; it keeps its own status until it is switched to. So does a document
        // whose URL is to be fetched again meanwhile: its status keeps that fetch pending for the reconciler.
        status: sql`CASE WHEN ${documents.version} = ${document.version} AND NOT ${documents.fetchPending} THEN 'ready' ELSE ${documents.status} END`,
        error: sql`CASE WHEN ${documents.version} = ${document.version} THEN NULL ELSE ${documents.error} END`,
        chunksTotal: details.chunks,
        chunksDone: details.chunks,
        embeddingModel: details.embeddingModel,
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(documents.id, document.id),
          sql`(${documents.activeVersion} IS NULL OR ${documents.activeVersion} < ${document.version})`,
          // Never switch to a version whose rows are gone (discarded when it was failed meanwhile).
          sql`EXISTS (SELECT 1 FROM ${chunks} WHERE ${chunks.documentId} = ${document.id} AND ${chunks.version} = ${document.version})`,
        ),
      ),
    db.delete(chunks).where(
      and(
        eq(chunks.documentId, document.id),
        lt(chunks.version, document.version),
        // Only once this version (or a newer one) serves: a switch that did not happen removes nothing.
        sql`(SELECT ${documents.activeVersion} FROM ${documents} WHERE ${documents.id} = ${document.id}) >= ${document.version}`,
      ),
    ),
  ];
}

/**
 * Versions of a document up to `upTo` that never became the one searches see: staged rows a failed or superseded
 * version left. The active version is read inside each statement, so a switch that happens meanwhile is respected.
 */
function discardableRows(document: { id: string; upTo: number }) {
  return sql`document_id = ${document.id} AND version <= ${document.upTo}
    AND version IS NOT (SELECT active_version FROM documents WHERE id = ${document.id})`;
}

/** Vector ids used only by the discardable versions of a document (see `discardStagedStatement`). */
export async function discardableVectorIds(db: Db, document: { id: string; upTo: number }): Promise<string[]> {
  const rows = await db.all<{ vectorId: string }>(sql`
    SELECT DISTINCT c.vector_id AS vectorId FROM chunks AS c
    WHERE ${discardableRows(document)}
      AND NOT EXISTS (
        SELECT 1 FROM chunks AS other
        WHERE other.document_id = c.document_id AND other.vector_id = c.vector_id
          AND (other.version > ${document.upTo}
            OR other.version IS (SELECT active_version FROM documents WHERE id = ${document.id})))`);
  return rows.map((row) => row.vectorId);
}

/** Deletes the staged rows of a document's versions up to `upTo` that never became active. */
export function discardStagedStatement(db: Db, document: { id: string; upTo: number }): BatchItem<"sqlite"> {
  return db.delete(chunks).where(discardableRows(document));
}
