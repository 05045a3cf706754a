import { app } from "./app";
import { ConversationObject } from "./conversation/conversation-do";
import { consumeDeadLetters, consumeIngestBatch } from "./ingest/ingest-consumer";
import { sweepStalledIngestion } from "./ingest/sweep-stalled";
import { createServices, ingestDependencies } from "./services";

export { LocalVectorIndex } from "./vector/local-vector-index";

/** One conversation's Durable Object, with the services of this Worker. */
export class ConversationDO extends ConversationObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, createServices);
  }
}

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    const services = createServices(env);
    // Both queues share this consumer; the dead-letter queue is the one whose name ends in "-dlq".
    if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, services.db);
    return consumeIngestBatch(batch, ingestDependencies(services));
  },
  async scheduled(_controller, env) {
    const { db, queue } = createServices(env);
    const requeued = await sweepStalledIngestion(db, queue);
    if (requeued > 0) console.warn(`Re-enqueued ${requeued} stalled document(s)`);
  },
} satisfies ExportedHandler<Env>;
