import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** A drizzle client over the D1 binding; cheap, so make one per request or message batch. */
export const createDb = (database: D1Database) => drizzle(database, { schema });

export type Db = ReturnType<typeof createDb>;
