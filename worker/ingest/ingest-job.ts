import { eq, sql } from "drizzle-orm";
import type { DocumentVersion } from "../db/chunk-staging";
import type { Db } from "../db/client";
import { ingestJobs } from "../db/schema";

/** One job per document version; its id is deterministic so every attempt updates the same row. */
export function ingestJobId(document: DocumentVersion): string {
  return `${document.id}:${document.version}`;
}

/** Records the start of an attempt at a version, the first attempt creating the job (await it, or batch it). */
export function startIngestJob(db: Db, document: DocumentVersion) {
  return db
    .insert(ingestJobs)
    .values({
      id: ingestJobId(document),
      tenantId: document.tenantId,
      documentId: document.id,
      version: document.version,
      status: "processing",
      attempts: 1,
    })
    .onConflictDoUpdate({
      target: ingestJobs.id,
      set: { attempts: sql`${ingestJobs.attempts} + 1`, status: "processing", error: null },
    });
}

/** Updates a version's job (await it, or put it in a batch). */
export function updateIngestJob(
  db: Db,
  document: DocumentVersion,
  changes: Partial<Omit<typeof ingestJobs.$inferInsert, "id">>,
) {
  return db
    .update(ingestJobs)
    .set(changes)
    .where(eq(ingestJobs.id, ingestJobId(document)));
}
