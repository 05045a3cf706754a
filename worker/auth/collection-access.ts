import type { Db } from "../db/client";
import { restrictedCollections } from "../db/collections";
import type { Principal } from "./principal";

/** What decides which collections a caller reads: its role and its groups. */
export type Reader = Pick<Principal, "role" | "groups">;

/** Whether `reader` may read a collection readable by `readableBy` (null: the whole tenant). Admins read every one. */
export function mayReadCollection(reader: Reader, readableBy: readonly string[] | null): boolean {
  return reader.role === "admin" || readableBy === null || readableBy.some((group) => reader.groups.includes(group));
}

/**
 * The tenant's collections `reader` may not read: those restricted to groups it is in none of. One D1 query (none for
 * admins), made once per request and handed to retrieval, which leaves these collections out of every ranker and of
 * hydration.
 */
export async function unreadableCollections(db: Db, tenantId: string, reader: Reader): Promise<string[]> {
  if (reader.role === "admin") return [];
  const restricted = await restrictedCollections(db, tenantId);
  return restricted
    .filter((collection) => !mayReadCollection(reader, collection.readableBy))
    .map((collection) => collection.name);
}

/**
 * {@link unreadableCollections}, read when first asked for and shared by later calls, e.g. by the stages of one answer
 * (its answer cache lookup, the retrieval of each part of its question). A read that fails is made again next time.
 */
export function unreadableCollectionsOnce(db: Db, tenantId: string, reader: Reader): () => Promise<string[]> {
  let read: Promise<string[]> | undefined;
  return () => {
    read ??= unreadableCollections(db, tenantId, reader).catch((error: unknown) => {
      read = undefined;
      throw error;
    });
    return read;
  };
}
