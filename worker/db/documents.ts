import { and, desc, eq } from "drizzle-orm";
import type { DocumentView } from "../contract";
import type { Db } from "./client";
import { documents } from "./schema";

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
    chunksTotal: row.chunksTotal,
    chunksDone: row.chunksDone,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function listDocuments(db: Db, tenantId: string, limit = 500): Promise<DocumentRow[]> {
  return db
    .select()
    .from(documents)
    .where(eq(documents.tenantId, tenantId))
    .orderBy(desc(documents.createdAt))
    .limit(limit);
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

export function updateDocument(
  db: Db,
  id: string,
  changes: Partial<Omit<DocumentRow, "id" | "tenantId" | "createdAt">>,
): Promise<unknown> {
  return db
    .update(documents)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(documents.id, id));
}
