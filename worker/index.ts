import { app } from "./app";
import { ConversationObject } from "./conversation/conversation-do";
import { consumeDeadLetters, consumeIngestBatch } from "./ingest/ingest-consumer";
import { reconcileOnSchedule } from "./ingest/reconcile-pending-work";
import { runSourceSchedule } from "./ingest/schedule-source-syncs";
import { createServices, ingestDependencies, servicesOf } from "./services";

export { LocalVectorIndex } from "./vector/local-vector-index";

/** One conversation's Durable Object, with the services of this Worker. */
export class ConversationDO extends ConversationObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, servicesOf);
  }
}

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    const services = createServices(env);
    // Both queues share this consumer; the dead-letter queue is the one whose name ends in "-dlq".
    if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, ingestDependencies(services));
    return consumeIngestBatch(batch, ingestDependencies(services));
  },
  // Every minute (wrangler.toml), and locally once at start-up with the cron "@reboot": re-sends lost work and starts
  // the syncs of website sources that are due.
  async scheduled(controller, env) {
    const { db, queue, config } = createServices(env);
    const resent = await reconcileOnSchedule(
      { db, queue },
      { cron: controller.cron, reconcileAfterSeconds: config.reconcileAfterSeconds },
    );
    if (resent > 0) console.warn(`Re-sent the pending ingestion of ${resent} document(s) whose message was lost`);
    const syncs = await runSourceSchedule(
      { db, queue },
      { cron: controller.cron, reconcileAfterSeconds: config.reconcileAfterSeconds },
    );
    if (syncs.resent > 0)
      console.warn(`Re-sent the discovery of ${syncs.resent} source sync(s) whose message was lost`);
  },
} satisfies ExportedHandler<Env>;
