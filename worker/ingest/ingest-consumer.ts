import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { updateDocument } from "../db/documents";
import { documents } from "../db/schema";
import { DocumentParseError } from "../rag/parse/document-parse-error";
import { type IngestDependencies, IngestError } from "./ingest-dependencies";
import { updateIngestJob } from "./ingest-job";
import { type IngestMessage, ingestMessageSchema } from "./ingest-message";
import { processIngestMessages } from "./process-message";
import { handleR2Event, type R2Event, r2EventSchema } from "./r2-event";

const maxRetryDelaySeconds = 300;
const retryPrefix = /^Attempt \d+ failed: /;

/**
 * Handles a batch from the ingest queue, acking or retrying each message on its own. A failed attempt is
 * recorded on the document and retried with exponential backoff; after the last retry the queue moves the
 * message to the dead-letter queue (see `consumeDeadLetters`).
 */
export async function consumeIngestBatch(batch: MessageBatch, deps: IngestDependencies): Promise<void> {
  const ingest: Array<{ message: Message; body: IngestMessage }> = [];
  const events: Array<{ message: Message; event: R2Event }> = [];
  for (const message of batch.messages) {
    const parsed = ingestMessageSchema.safeParse(message.body);
    const event = parsed.success ? null : r2EventSchema.safeParse(message.body);
    if (parsed.success) ingest.push({ message, body: parsed.data });
    else if (event?.success) events.push({ message, event: event.data });
    else {
      console.error("Dropping a message that is neither an ingest message nor an R2 event", message.id);
      message.ack();
    }
  }

  const failures = await processIngestMessages(
    deps,
    ingest.map(({ body }) => body),
  );
  await Promise.all([
    ...ingest.map(({ message, body }) =>
      failures.has(body) ? retry(deps.db, message, body, failures.get(body)) : message.ack(),
    ),
    ...events.map(({ message, event }) =>
      handleR2Event(deps, event).then(
        () => message.ack(),
        (error: unknown) => retry(deps.db, message, null, error),
      ),
    ),
  ]);
}

async function retry(db: Db, message: Message, body: IngestMessage | null, error: unknown): Promise<void> {
  const reason = describeError(error);
  console.error("Ingest attempt failed", message.body, reason);
  // A file that can't be read as its type never will be: fail it now rather than after every retry.
  if (body && body.type !== "delete" && (error instanceof DocumentParseError || error instanceof IngestError)) {
    await markVersionFailed(db, body, reason);
    message.ack();
    return;
  }
  if (body) await recordFailedAttempt(db, body, `Attempt ${message.attempts} failed: ${reason}`);
  message.retry({ delaySeconds: Math.min(maxRetryDelaySeconds, 2 ** message.attempts) });
}

/**
 * Messages that exhausted their retries: the document is marked failed with the last reason recorded, and
 * the version it had before keeps serving.
 */
export async function consumeDeadLetters(batch: MessageBatch, db: Db): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ingestMessageSchema.safeParse(message.body);
    if (parsed.success && parsed.data.type !== "delete") {
      const document = await db.select().from(documents).where(eq(documents.id, parsed.data.documentId)).get();
      const reason = document?.error?.replace(retryPrefix, "") ?? "Ingestion failed after retries";
      await markVersionFailed(db, parsed.data, reason);
    } else if (parsed.success) {
      console.error("Giving up on deleting a document", parsed.data);
    }
    message.ack();
  }
}

/** Marks a version failed with its reason, unless it is no longer the latest or is already serving. */
async function markVersionFailed(
  db: Db,
  target: { tenantId: string; documentId: string; version: number },
  reason: string,
): Promise<void> {
  const document = await db.select().from(documents).where(eq(documents.id, target.documentId)).get();
  if (!document || document.version !== target.version || document.activeVersion === target.version) return;
  await updateDocument(db, document.id, { status: "failed", error: reason });
  await updateIngestJob(
    db,
    { id: document.id, tenantId: target.tenantId, version: target.version },
    { status: "failed", error: reason, finishedAt: new Date() },
  );
}

async function recordFailedAttempt(db: Db, message: IngestMessage, reason: string): Promise<void> {
  try {
    if (message.type === "delete") return;
    await db
      .update(documents)
      .set({ error: reason, updatedAt: new Date() })
      .where(and(eq(documents.id, message.documentId), eq(documents.version, message.version)));
    await updateIngestJob(
      db,
      { id: message.documentId, tenantId: message.tenantId, version: message.version },
      { error: reason },
    );
  } catch (error) {
    // The retry is what matters; a failure to record it must not turn into a lost message.
    console.error("Could not record the failed attempt", describeError(error));
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
