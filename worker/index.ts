import { DurableObject } from "cloudflare:workers";

export class ConversationDO extends DurableObject<Env> {}
export class LocalVectorIndex extends DurableObject<Env> {}

export default {
  async fetch() {
    return new Response("starting");
  },
} satisfies ExportedHandler<Env>;
