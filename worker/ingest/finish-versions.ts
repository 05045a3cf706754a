import { inArray } from "drizzle-orm";
import { activationStatements, orphanedVectorIds } from "../db/chunk-staging";
import type { DocumentRow } from "../db/documents";
import { runBatch } from "../db/run-batch";
import { ingestJobs } from "../db/schema";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement, platformLimits } from "../lib/platform-limits";
import { versionOf } from "./document-version";
import { duringStep } from "./failure-reason";
import type { IngestDependencies } from "./ingest-dependencies";
import { ingestJobId, updateIngestJob } from "./ingest-job";
import { documentPrefix } from "./object-keys";
import { deleteKeys, listKeys } from "./stored-files";

/**
 * The versioned swap, once every chunk of a version has its vector: vectors only older versions used are
 * removed, searches switch to the version in one D1 transaction per document, and older files are
 * deleted. Each step is idempotent, so a retry after a failure anywhere finishes the job.
 */
export async function finishVersions(deps: IngestDependencies, finished: DocumentRow[]): Promise<void> {
  if (finished.length === 0) return;
  const { db } = deps;
  const versions = finished.map(versionOf);
  const jobs = new Map<string, typeof ingestJobs.$inferSelect>();
  for (const group of inGroups(versions.map(ingestJobId), idsPerStatement)) {
    for (const job of await db.select().from(ingestJobs).where(inArray(ingestJobs.id, group))) jobs.set(job.id, job);
  }

  const orphans = await orphanedVectorIds(db, versions);
  // Removed before the switch: if this fails, nothing has switched yet and the retry finds the same orphans.
  for (const document of finished) {
    for (const group of inGroups(orphans.get(document.id) ?? [], platformLimits.vectorize.writeBatch)) {
      await duringStep("vector index", () => deps.vectorIndex.deleteByIds(document.tenantId, group));
    }
  }
  await runBatch(
    db,
    versions.map((version) => {
      const job = jobs.get(ingestJobId(version));
      const chunks = job?.chunks ?? 0;
      return [
        ...activationStatements(db, version, { chunks, embeddingModel: deps.embeddingModelId }),
        updateIngestJob(db, version, {
          status: "ready",
          embedded: chunks - (job?.reused ?? 0),
          deleted: orphans.get(version.id)?.length ?? 0,
          slicesDone: job?.slicesTotal ?? 0,
          durationMs: job ? Date.now() - job.startedAt.getTime() : null,
          finishedAt: new Date(),
          error: null,
        }),
      ];
    }),
  );
  await Promise.all(
    finished.filter((document) => document.version > 1).map((document) => deleteOlderFiles(deps, document)),
  );
}

async function deleteOlderFiles({ db, bucket }: IngestDependencies, finished: DocumentRow): Promise<void> {
  // Read again: a newer version may have been submitted meanwhile; its file stays.
  const current = await db.query.documents.findFirst({
    columns: { r2Key: true },
    where: (documents, { eq }) => eq(documents.id, finished.id),
  });
  const keep = new Set([finished.r2Key, current?.r2Key]);
  const keys = await listKeys(bucket, documentPrefix(finished.tenantId, finished.id));
  await deleteKeys(
    bucket,
    keys.filter((key) => !keep.has(key)),
  );
}
