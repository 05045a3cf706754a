/**
 * The Worker under test: the production entry point, except that each conversation's Durable Object lets a test
 * give it other vars (e.g. `LOCAL_ANSWER_DELAY_MS`) or another chat model (e.g. a failing `MockLanguageModelV4`).
 * A test sets them with `runInDurableObject` and then drives the conversation through the HTTP API, as a client
 * would. Production code only offers the seams: the protected `config()` and `services()` of `ConversationDO`.
 */
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { type AppConfig, readConfig } from "../../worker/config";
import { ConversationDO as ProductionConversationDO } from "../../worker/conversation/conversation-do";
import type { Services } from "../../worker/services";

export * from "../../worker/index";
export { default } from "../../worker/index";

/** `ConversationDO` with what a test injected. */
export class ConversationDO extends ProductionConversationDO {
  /** Vars that replace the Worker's for this conversation. */
  vars: Record<string, string> = {};
  /** Makes the chat model of each answer in place of the configured one; it counts as a generative model. */
  chatModel: (() => LanguageModelV4) | null = null;

  protected override config(): AppConfig {
    return readConfig({ ...this.env, ...this.vars });
  }

  protected override services(config: AppConfig): Services {
    const services = super.services(config);
    if (!this.chatModel) return services;
    return { ...services, models: { ...services.models, chat: this.chatModel(), chatModelId: "mock", offline: false } };
  }
}
