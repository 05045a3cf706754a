import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { updatePendingVersion } from "../db/documents";
import { documents } from "../db/schema";
import { failVersion } from "./fail-version";
import { failureReason, isDocumentFailure } from "./failure-reason";
import type { IngestDependencies } from "./ingest-dependencies";
import { updateIngestJob } from "./ingest-job";
import { type IngestMessage, ingestMessageSchema } from "./ingest-message";
import { processIngestMessages } from "./process-message";
import { handleR2Event, type R2Event, r2EventSchema } from "./r2-event";

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
  if (body && body.type !== "delete" && isDocumentFailure(error)) {
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
export async function consumeDeadLetters(
  batch: MessageBatch,
  deps: Pick<IngestDependencies, "db" | "vectorIndex">,
): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ingestMessageSchema.safeParse(message.body);
    if (parsed.success && parsed.data.type !== "delete") {
      const document = await deps.db.select().from(documents).where(eq(documents.id, parsed.data.documentId)).get();
      const reason =
        document?.error?.replace(attemptPrefix, "").replace(retrySuffix, "") ?? "Ingestion failed after retries";
      await failVersion(deps, parsed.data, reason);
    } else if (parsed.success) {
      // The document stays `deleting`, so the reconciler sends the delete again later.
      console.error("Deleting a document failed after retries; the reconciler will try again", parsed.data);
    }
    message.ack();
  }
}

async function recordFailedAttempt(db: Db, message: IngestMessage, reason: string): Promise<void> {
  try {
    if (message.type === "delete") return;
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
