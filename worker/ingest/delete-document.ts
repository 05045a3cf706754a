import { eq } from "drizzle-orm";
import { documentVectorIds } from "../db/chunks";
import { documents } from "../db/schema";
import { inGroups } from "../lib/in-groups";
import { platformLimits } from "../lib/platform-limits";
import { duringStep } from "./failure-reason";
import type { IngestDependencies } from "./ingest-dependencies";
import { documentPrefix } from "./object-keys";
import { deleteKeys, listKeys } from "./stored-files";

/**
 * Removes a document everywhere: its vectors, its files in R2, and its D1 rows (chunks, and with them the
 * full-text index through triggers, and its jobs, by cascade). Safe to run again after a partial failure, and a
 * no-op for a document that is gone (a late duplicate of the message).
 */
export async function deleteDocument(
  deps: Pick<IngestDependencies, "db" | "bucket" | "vectorIndex">,
  target: { tenantId: string; documentId: string },
): Promise<void> {
  const { db, bucket } = deps;
  const document = await db.select().from(documents).where(eq(documents.id, target.documentId)).get();
  if (!document || document.tenantId !== target.tenantId) return;

  const vectorIds = await documentVectorIds(db, document.id);
  for (const group of inGroups(vectorIds, platformLimits.vectorize.writeBatch)) {
    await duringStep("vector index", () => deps.vectorIndex.deleteByIds(document.tenantId, group));
  }
  const keys = new Set(await listKeys(bucket, documentPrefix(document.tenantId, document.id)));
  // A file dropped into the inbox lives outside the document's prefix.
  keys.add(document.r2Key);
  await deleteKeys(bucket, [...keys]);
  await db.delete(documents).where(eq(documents.id, document.id));
}
