import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { TimeIdCursor } from "../contract";

/**
 * The rows a page after `cursor` may hold, in a list ordered by `time` then `id`, both descending: older rows, and rows
 * as old with a smaller id. Nothing to add without a cursor.
 */
export function afterTimeIdCursor(
  time: SQLiteColumn,
  id: SQLiteColumn,
  cursor: TimeIdCursor | undefined,
): SQL | undefined {
  if (cursor === undefined) return undefined;
  const at = new Date(cursor.at);
  return or(lt(time, at), and(eq(time, at), lt(id, cursor.id)));
}

/**
 * A page of `limit` rows from a query that asked for `limit + 1`, and the `nextCursor` of the page after it (null when
 * the extra row did not come: this page is the last).
 */
export function timeIdPage<Row>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => { at: Date; id: string },
): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  if (rows.length <= limit || last === undefined) return { page, nextCursor: null };
  const { at, id } = keyOf(last);
  return { page, nextCursor: `${at.getTime()}:${id}` };
}
