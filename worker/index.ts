import { app } from "./app";
import { readConfig } from "./config";
import { consumeDeadLetters, consumeIngestBatch } from "./ingest/ingest-consumer";
import { createServices } from "./services";

export { ConversationDO } from "./conversation/conversation-do";
export { LocalVectorIndex } from "./vector/local-vector-index";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    const services = createServices(env, readConfig(env));
    // Both queues share this consumer; the dead-letter queue is the one whose name ends in "-dlq".
    if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, services.db);
    return consumeIngestBatch(batch, {
      db: services.db,
      bucket: services.bucket,
      vectorIndex: services.vectorIndex,
      embedding: services.models.embedding,
      embeddingModelId: services.models.embeddingModelId,
    });
  },
} satisfies ExportedHandler<Env>;
