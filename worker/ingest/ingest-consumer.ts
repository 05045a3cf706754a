import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { updateDocument } from "../db/documents";
import { documents } from "../db/schema";
import { type IngestDependencies, ingestDocument } from "./ingest-document";
import { type IngestMessage, ingestMessageSchema } from "./ingest-message";

const maxRetryDelaySeconds = 300;

/**
 * Handles a batch from the ingest queue, acking or retrying each message on its own. A failed attempt is
 * recorded on the document and retried with exponential backoff; after the last retry the queue moves the
 * message to the dead-letter queue (see `consumeDeadLetters`).
 */
export async function consumeIngestBatch(batch: MessageBatch, deps: IngestDependencies): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ingestMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      console.error("Dropping malformed ingest message", message.id, parsed.error.message);
      message.ack();
      continue;
    }
    try {
      await ingestDocument(deps, parsed.data);
      message.ack();
    } catch (error) {
      const reason = describeError(error);
      console.error("Ingest attempt failed", parsed.data, reason);
      await recordFailedAttempt(deps.db, parsed.data, `Attempt ${message.attempts} failed: ${reason}`);
      message.retry({ delaySeconds: Math.min(maxRetryDelaySeconds, 2 ** message.attempts) });
    }
  }
}

/** Messages that exhausted their retries: the document is marked failed with the last reason recorded. */
export async function consumeDeadLetters(batch: MessageBatch, db: Db): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ingestMessageSchema.safeParse(message.body);
    if (parsed.success) {
      const document = await db.select().from(documents).where(eq(documents.id, parsed.data.documentId)).get();
      if (document && document.version === parsed.data.version && document.status !== "ready") {
        const reason = document.error?.replace(/^Attempt \d+ failed: /, "") ?? "Ingestion failed after retries";
        await updateDocument(db, document.id, { status: "failed", error: reason });
      }
    }
    message.ack();
  }
}

async function recordFailedAttempt(db: Db, message: IngestMessage, reason: string): Promise<void> {
  try {
    const document = await db.select().from(documents).where(eq(documents.id, message.documentId)).get();
    if (document && document.version === message.version) {
      await updateDocument(db, document.id, { status: "queued", error: reason });
    }
  } catch (error) {
    // The retry is what matters; a failure to record it must not turn into a lost message.
    console.error("Could not record the failed attempt", describeError(error));
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
