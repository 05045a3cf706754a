import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { updatePendingVersion } from "../db/documents";
import { documents } from "../db/schema";
import { recordFetchAttempt } from "../db/url-documents";
import { failVersion } from "./fail-version";
import { failureReason, isDocumentFailure } from "./failure-reason";
import { abandonFetch } from "./fetch-document";
import type { IngestDependencies } from "./ingest-dependencies";
import { updateIngestJob } from "./ingest-job";
import { type IngestMessage, ingestMessageSchema } from "./ingest-message";
import { processIngestMessages } from "./process-message";
import { handleR2Event, type R2Event, r2EventSchema } from "./r2-event";
import { abandonSync } from "./sync-source";

const maxRetryDelaySeconds = 300;
const attemptPrefix = /^Attempt \d+ failed: /;
const retrySuffix = "; it will be retried";

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
      failures.has(body) ? retry(deps, message, body, failures.get(body)) : message.ack(),
    ),
    ...events.map(({ message, event }) =>
      handleR2Event(deps, event).then(
        () => message.ack(),
        (error: unknown) => retry(deps, message, null, error),
      ),
    ),
  ]);
}

async function retry(
  deps: IngestDependencies,
  message: Message,
  body: IngestMessage | null,
  error: unknown,
): Promise<void> {
  const reason = failureReason(error);
  // The detail (SQL, parameters, stack) is for operators; the document only gets the sentence.
  console.error("Ingest attempt failed", message.body, reason, error);
  // A file that can't be read as its type never will be: fail it now rather than after every retry.
  if (body && "version" in body && isDocumentFailure(error)) {
    await failVersion(deps, body, reason);
    message.ack();
    return;
  }
  if (body) await recordFailedAttempt(deps.db, body, `Attempt ${message.attempts} failed: ${reason}${retrySuffix}`);
  message.retry({ delaySeconds: Math.min(maxRetryDelaySeconds, 2 ** message.attempts) });
}

/**
 * Messages that exhausted their retries: the version is marked failed with the last reason recorded and its staged
 * rows and vectors are removed; the version it had before keeps serving.
 */
export async function consumeDeadLetters(batch: MessageBatch, deps: IngestDependencies): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ingestMessageSchema.safeParse(message.body);
    const body = parsed.success ? parsed.data : null;
    if (body && "version" in body) {
      const document = await deps.db.select().from(documents).where(eq(documents.id, body.documentId)).get();
      await failVersion(deps, body, lastReason(document?.error) ?? "Ingestion failed after retries");
    } else if (body?.type === "fetch") {
      const document = await deps.db.select().from(documents).where(eq(documents.id, body.documentId)).get();
      await abandonFetch(deps, body, lastReason(document?.error) ?? "Fetching the URL failed after retries");
    } else if (body?.type === "sync-source") {
      await abandonSync(deps, body);
    } else if (body) {
      // The document stays `deleting`, so the reconciler sends the delete again later.
      console.error("Deleting a document failed after retries; the reconciler will try again", body);
    }
    message.ack();
  }
}

/** The reason of the last failed attempt, as `recordFailedAttempt` wrote it on the document. */
function lastReason(error: string | null | undefined): string | null {
  return error?.replace(attemptPrefix, "").replace(retrySuffix, "") ?? null;
}

async function recordFailedAttempt(db: Db, message: IngestMessage, reason: string): Promise<void> {
  try {
    if (message.type === "fetch") await recordFetchAttempt(db, message.documentId, reason);
    if (!("version" in message)) return;
    // A retry is on its way: the outbox clock restarts so the reconciler does not send a duplicate meanwhile.
    await updatePendingVersion(db, { id: message.documentId, version: message.version }, { error: reason });
    await updateIngestJob(
      db,
      { id: message.documentId, tenantId: message.tenantId, version: message.version },
      { error: reason },
    );
  } catch (error) {
    // The retry is what matters; a failure to record it must not turn into a lost message.
    console.error("Could not record the failed attempt", error);
  }
}
