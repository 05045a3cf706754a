import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import type { DocumentRow } from "../db/documents";
import { type DocumentSource, documents, type TitleSource } from "../db/schema";
import { newId } from "../lib/ids";
import { inGroups } from "../lib/in-groups";
import { idsPerStatement } from "../lib/platform-limits";
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
 * (same SHA-256) are not queued again. The previous version keeps serving until the new one is indexed.
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
 * the lot (batch uploads carry up to 100 documents).
 */
export async function submitDocuments(
  deps: SubmitDependencies,
  submissions: DocumentSubmission[],
): Promise<Array<{ document: DocumentRow; changed: boolean }>> {
  const { db, bucket } = deps;
  const existing = await findExisting(db, submissions);
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
        return { unchanged: current };
      }
      const id = current?.id ?? submission.documentId ?? newId();
      const version = (current?.version ?? 0) + 1;
      let r2Key: string;
      let size: number;
      if ("body" in submission) {
        r2Key = versionObjectKey(submission.tenantId, id, version);
        size = submission.body.byteLength;
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
        updatedAt: new Date(),
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
  for (let start = 0; start < writes.length; start += 50) {
    const group = writes.slice(start, start + 50);
    const [first, ...rest] = group.map(({ write }) => write);
    if (!first) continue;
    const results = await db.batch([first, ...rest]);
    results.forEach((rows, position) => {
      const row = rows[0];
      const entry = group[position];
      if (row && entry) written.set(entry.index, row);
    });
  }
  const messages = [...written.values()].map((document) => ({
    body: { type: "ingest" as const, tenantId: document.tenantId, documentId: document.id, version: document.version },
  }));
  for (let start = 0; start < messages.length; start += 100) {
    await deps.queue.sendBatch(messages.slice(start, start + 100));
  }

  return prepared.map((entry, index) => {
    if ("unchanged" in entry && entry.unchanged) return { document: entry.unchanged, changed: false };
    const document = written.get(index);
    if (!document) throw new Error("A submitted document was not written");
    return { document, changed: true };
  });
}

/** Queues the current file of a document again as a new version (e.g. after a model change). */
export async function reingestDocument(deps: SubmitDependencies, document: DocumentRow): Promise<DocumentRow> {
  const version = document.version + 1;
  const [updated] = await deps.db
    .update(documents)
    .set({ version, status: "queued", error: null, updatedAt: new Date() })
    .where(eq(documents.id, document.id))
    .returning();
  if (!updated) throw new Error(`Document ${document.id} was not updated`);
  await deps.queue.send({ type: "ingest", tenantId: document.tenantId, documentId: document.id, version });
  return updated;
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
  return submissions.map((submission) =>
    submission.documentId
      ? byId.get(submission.documentId)
      : submission.externalId
        ? byExternalId.get(`${submission.tenantId}\n${submission.externalId}`)
        : undefined,
  );
}
