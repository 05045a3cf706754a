import { and, count, eq, isNotNull, ne } from "drizzle-orm";
import type { CollectionView } from "../contract";
import type { Db } from "./client";
import { collections, documents } from "./schema";

/** A collection whose access is set to some groups only. */
export interface RestrictedCollection {
  name: string;
  readableBy: string[];
}

/**
 * The tenant's collections, by name: every one documents are in and every one whose access was set (possibly before
 * its first document), with document counts and access. `name` narrows the answer to one collection.
 */
export async function collectionViews(db: Db, tenantId: string, name?: string): Promise<CollectionView[]> {
  const [counts, accessRows] = await Promise.all([
    db
      .select({ name: documents.collection, documents: count() })
      .from(documents)
      .where(
        and(
          eq(documents.tenantId, tenantId),
          ne(documents.status, "deleting"),
          name === undefined ? undefined : eq(documents.collection, name),
        ),
      )
      .groupBy(documents.collection),
    db
      .select()
      .from(collections)
      .where(and(eq(collections.tenantId, tenantId), name === undefined ? undefined : eq(collections.name, name))),
  ]);
  const documentCounts = new Map(counts.map((row) => [row.name, row.documents]));
  const access = new Map(accessRows.map((row) => [row.name, row]));
  const names = [...new Set([...documentCounts.keys(), ...access.keys()])].sort();
  return names.map((collection) => {
    const row = access.get(collection);
    return {
      name: collection,
      documents: documentCounts.get(collection) ?? 0,
      readableBy: row?.readableBy ?? null,
      accessUpdatedAt: row?.updatedAt.toISOString() ?? null,
      accessUpdatedBy: row?.updatedBy ?? null,
    };
  });
}

/** Sets who may read a collection (null: the whole tenant), whether or not documents are in it yet. */
export async function setCollectionAccess(
  db: Db,
  access: { tenantId: string; name: string; readableBy: string[] | null; updatedBy: string },
): Promise<void> {
  const now = new Date();
  await db
    .insert(collections)
    .values({ ...access, updatedAt: now })
    .onConflictDoUpdate({
      target: [collections.tenantId, collections.name],
      set: { readableBy: access.readableBy, updatedBy: access.updatedBy, updatedAt: now },
    });
}

/** The tenant's collections that only some groups may read (one query). */
export async function restrictedCollections(db: Db, tenantId: string): Promise<RestrictedCollection[]> {
  const rows = await db
    .select({ name: collections.name, readableBy: collections.readableBy })
    .from(collections)
    .where(and(eq(collections.tenantId, tenantId), isNotNull(collections.readableBy)));
  return rows.flatMap((row) => (row.readableBy === null ? [] : [{ name: row.name, readableBy: row.readableBy }]));
}
