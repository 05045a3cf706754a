import { eq } from "drizzle-orm";
import { documentVectorIds } from "../db/chunks";
import { documents } from "../db/schema";
import type { IngestDependencies } from "./ingest-dependencies";
import { documentPrefix } from "./object-keys";

/**
 * Removes a document everywhere: its vectors, its files in R2, and its D1 rows (chunks, and with them the
 * full-text index through triggers, and its jobs, by cascade). Safe to run again after a partial failure.
 */
export async function deleteDocument(
  deps: Pick<IngestDependencies, "db" | "bucket" | "vectorIndex">,
  target: { tenantId: string; documentId: string },
): Promise<void> {
  const { db, bucket } = deps;
  const document = await db.select().from(documents).where(eq(documents.id, target.documentId)).get();
  if (!document || document.tenantId !== target.tenantId) return;

  const vectorIds = await documentVectorIds(db, document.id);
  for (let start = 0; start < vectorIds.length; start += 1000) {
    await deps.vectorIndex.deleteByIds(document.tenantId, vectorIds.slice(start, start + 1000));
  }
  const listing = await bucket.list({ prefix: documentPrefix(document.tenantId, document.id) });
  const keys = new Set(listing.objects.map((object) => object.key));
  // A file dropped into the inbox lives outside the document's prefix.
  keys.add(document.r2Key);
  await bucket.delete([...keys]);
  await db.delete(documents).where(eq(documents.id, document.id));
}
