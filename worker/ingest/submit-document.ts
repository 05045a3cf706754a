import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import type { DocumentRow } from "../db/documents";
import { runBatch } from "../db/run-batch";
import { type DocumentSource, documents, type TitleSource } from "../db/schema";
import { AppError } from "../lib/app-error";
import { newId } from "../lib/ids";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement, platformLimits } from "../lib/platform-limits";
import { sha256Hex } from "../lib/sha256";
import { keepsTitle } from "./document-title";
import type { IngestMessage } from "./ingest-message";
import { versionObjectKey } from "./object-keys";

export interface SubmitDependencies {
  db: Db;
  bucket: R2Bucket;
  queue: Pick<Queue<IngestMessage>, "send" | "sendBatch">;
}

interface SubmissionFields {
  tenantId: string;
  /** Set when the id was reserved earlier (a multipart upload); otherwise found by external id or new. */
  documentId?: string;
  title: string;
  /** Where `title` came from; a `filename` title gives way to the one the file declares. Default `explicit`. */
  titleSource?: TitleSource;
  contentType: string;
  externalId: string | null;
  collection: string;
  source: DocumentSource;
  /** The URL the file was fetched from; a submission without one makes the document a document of its own again. */
  url?: string;
}

/** A file already stored in R2 (a completed multipart upload, or a file dropped into the inbox). */
export interface StoredObject {
  r2Key: string;
  size: number;
  sha256: string;
}

export type DocumentSubmission = SubmissionFields & ({ body: Uint8Array } | { stored: StoredObject });

/**
 * Queues a new version of a document for ingestion, storing the bytes in R2 first when given. A
 * submission for a known document (same id or external id) updates it; unchanged content and title
 * (same SHA-256) are not queued again, unless the document is still waiting to be indexed, whose work is
 * sent again (its message may have been lost). The previous version keeps serving until the new one is indexed.
 */
export async function submitDocument(
  deps: SubmitDependencies,
  submission: DocumentSubmission,
): Promise<{ document: DocumentRow; changed: boolean }> {
  const [result] = await submitDocuments(deps, [submission]);
  if (!result) throw new Error("The document was not submitted");
  return result;
}

/**
 * `submitDocument` for many documents at once, with one D1 lookup, one D1 write and one queue call for
 * the lot (batch uploads carry up to 100 documents). The D1 write records the pending work (the outbox,
 * `documents.pending_at`) with each document, so a queue send that fails afterwards strands nothing: the
 * reconciler sends it later.
 */
export async function submitDocuments(
  deps: SubmitDependencies,
  submissions: DocumentSubmission[],
): Promise<Array<{ document: DocumentRow; changed: boolean }>> {
  assertDistinct(submissions);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await writeSubmissions(deps, submissions);
    } catch (error) {
      if (!isExternalIdTaken(error)) throw error;
      // Another request created a document under one of these external ids since they were looked up: look
      // again, and this submission becomes an update of that document.
      if (attempt === maxAttempts) {
        throw new AppError("conflict", "Another request is creating the same documents; please send them again");
      }
    }
  }
}

/** Rounds of look-up and write that two requests creating the same external ids can need before one wins. */
const maxAttempts = 3;

function isExternalIdTaken(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    if (/UNIQUE constraint failed: documents\.tenant_id, documents\.external_id/.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

async function writeSubmissions(
  deps: SubmitDependencies,
  submissions: DocumentSubmission[],
): Promise<Array<{ document: DocumentRow; changed: boolean }>> {
  const { db, bucket } = deps;
  const existing = await findExisting(db, submissions);
  const now = new Date();
  // Files stored for documents this attempt creates: removed again if their row cannot be written.
  const newObjects = new Map<number, string>();
  const prepared = await Promise.all(
    submissions.map(async (submission, index) => {
      const sha256 = "body" in submission ? await sha256Hex(submission.body) : submission.stored.sha256;
      const current = existing[index];
      const unchanged =
        current?.sha256 === sha256 &&
        keepsTitle(current, submission) &&
        current.contentType === submission.contentType &&
        current.status !== "failed";
      if (current && unchanged) {
        if ("stored" in submission && submission.stored.r2Key !== current.r2Key) {
          await bucket.delete(submission.stored.r2Key);
        }
        return { unchanged: current, stuck: current.status === "queued" || current.status === "processing" };
      }
      const id = current?.id ?? submission.documentId ?? newId();
      const version = (current?.version ?? 0) + 1;
      let r2Key: string;
      let size: number;
      if ("body" in submission) {
        r2Key = versionObjectKey(submission.tenantId, id, version);
        size = submission.body.byteLength;
        if (!current) newObjects.set(index, r2Key);
        await bucket.put(r2Key, submission.body, {
          httpMetadata: { contentType: submission.contentType },
          sha256,
          customMetadata: { tenantId: submission.tenantId, documentId: id, version: String(version) },
        });
      } else {
        ({ r2Key, size } = submission.stored);
      }
      const fields = {
        title: submission.title,
        titleSource: submission.titleSource ?? "explicit",
        collection: submission.collection,
        source: submission.source,
        r2Key,
        contentType: submission.contentType,
        size,
        sha256,
        version,
        status: "queued" as const,
        error: null,
        pendingAt: now,
        updatedAt: now,
        url: submission.url ?? null,
        // Content sent by hand replaces a pending fetch; a fetch's own submission ends its fetch itself.
        ...(submission.url ? {} : { fetchPending: false }),
      };
      return {
        write: db
          .insert(documents)
          .values({ id, tenantId: submission.tenantId, externalId: submission.externalId, ...fields })
          .onConflictDoUpdate({ target: documents.id, set: fields })
          .returning(),
      };
    }),
  );

  const written = new Map<number, DocumentRow>();
  const writes = prepared.flatMap((entry, index) =>
    "write" in entry && entry.write ? [{ index, write: entry.write }] : [],
  );
  try {
    for (const group of inGroups(writes, platformLimits.d1.statementsPerBatch)) {
      const [first, ...rest] = group.map(({ write }) => write);
      if (!first) continue;
      const results = await db.batch([first, ...rest]);
      results.forEach((rows, position) => {
        const row = rows[0];
        const entry = group[position];
        if (row && entry) written.set(entry.index, row);
      });
    }
  } catch (error) {
    const orphans = [...newObjects].flatMap(([index, key]) => (written.has(index) ? [] : [key]));
    for (const keys of inGroups(orphans, platformLimits.r2.deleteKeys)) await bucket.delete(keys);
    throw error;
  }
  // Unchanged documents still waiting to be indexed: their message may be lost, so it is sent again.
  const stuck = prepared.flatMap((entry) => ("stuck" in entry && entry.stuck ? [entry.unchanged] : []));
  await runBatch(
    db,
    stuck.map((document) => [db.update(documents).set({ pendingAt: now }).where(eq(documents.id, document.id))]),
  );
  await sendIngestMessages(deps.queue, [...written.values(), ...stuck]);

  return prepared.map((entry, index) => {
    if ("unchanged" in entry && entry.unchanged) return { document: entry.unchanged, changed: false };
    const document = written.get(index);
    if (!document) throw new Error("A submitted document was not written");
    return { document, changed: true };
  });
}

/**
 * Queues the current file of a document again as a new version (e.g. after a model change), with `changes` written in
 * the same step (a new title, which every chunk is embedded with).
 */
export async function reingestDocument(
  deps: SubmitDependencies,
  document: DocumentRow,
  changes: Partial<Pick<DocumentRow, "title" | "titleSource">> = {},
): Promise<DocumentRow> {
  const version = document.version + 1;
  const now = new Date();
  const [updated] = await deps.db
    .update(documents)
    .set({ ...changes, version, status: "queued", error: null, pendingAt: now, updatedAt: now })
    .where(eq(documents.id, document.id))
    .returning();
  if (!updated) throw new Error(`Document ${document.id} was not updated`);
  await sendIngestMessages(deps.queue, [updated]);
  return updated;
}

/**
 * Sends the ingest message of each document's latest version. D1 already records the work, so a failed send
 * is logged and left to the reconciler rather than failing a request whose documents are safely accepted.
 */
export async function sendIngestMessages(
  queue: SubmitDependencies["queue"],
  pending: Array<Pick<DocumentRow, "id" | "tenantId" | "version">>,
): Promise<void> {
  const messages = pending.map((document) => ({
    body: { type: "ingest" as const, tenantId: document.tenantId, documentId: document.id, version: document.version },
  }));
  try {
    for (const group of inGroups(messages, platformLimits.queues.sendBatchMessages)) await queue.sendBatch(group);
  } catch (error) {
    console.error("Could not queue ingestion; the reconciler will send it", error);
  }
}

/** One submission per document: naming a document twice in one batch is a mistake the sender should hear about. */
function assertDistinct(submissions: DocumentSubmission[]): void {
  const seen = new Set<string>();
  for (const submission of submissions) {
    const keys = [
      submission.documentId && `id\n${submission.tenantId}\n${submission.documentId}`,
      submission.externalId && `external\n${submission.tenantId}\n${submission.externalId}`,
    ].filter((key) => typeof key === "string");
    for (const key of keys) {
      if (seen.has(key)) {
        throw new AppError(
          "invalid_request",
          `The batch names ${submission.externalId ? `external id "${submission.externalId}"` : "a document"} more than once; send each document once`,
        );
      }
      seen.add(key);
    }
  }
}

/** The existing document each submission updates, if any, found in as few queries as D1 allows. */
async function findExisting(db: Db, submissions: DocumentSubmission[]): Promise<Array<DocumentRow | undefined>> {
  const tenants = new Set(submissions.map((submission) => submission.tenantId));
  const byId = new Map<string, DocumentRow>();
  const byExternalId = new Map<string, DocumentRow>();
  for (const tenantId of tenants) {
    const ofTenant = submissions.filter((submission) => submission.tenantId === tenantId);
    const ids = ofTenant.flatMap((submission) => (submission.documentId ? [submission.documentId] : []));
    const externalIds = ofTenant.flatMap((submission) => (submission.externalId ? [submission.externalId] : []));
    for (const group of inGroups(ids, idsPerStatement)) {
      const rows = await db
        .select()
        .from(documents)
        .where(and(eq(documents.tenantId, tenantId), inArray(documents.id, group)));
      for (const row of rows) byId.set(row.id, row);
    }
    for (const group of inGroups(externalIds, idsPerStatement)) {
      const rows = await db
        .select()
        .from(documents)
        .where(and(eq(documents.tenantId, tenantId), inArray(documents.externalId, group)));
      for (const row of rows) byExternalId.set(`${tenantId}\n${row.externalId}`, row);
    }
  }
  return submissions.map(
    (submission) =>
      (submission.documentId ? byId.get(submission.documentId) : undefined) ??
      (submission.externalId ? byExternalId.get(`${submission.tenantId}\n${submission.externalId}`) : undefined),
  );
}
