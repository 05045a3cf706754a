/**
 * The Worker under test: the production entry point, except that each conversation's Durable Object builds its
 * services through a factory into which a test can inject other vars (e.g. `LOCAL_ANSWER_DELAY_MS`) or another chat
 * model (e.g. a failing `MockLanguageModelV4`). A test injects them with `runInDurableObject` and then drives the
 * conversation through the HTTP API, as a client would. What was injected is kept by the object's id, outside the
 * instance, so it also serves the instance that replaces one a test has aborted.
 */
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { readConfig } from "../../worker/config";
import { ConversationObject } from "../../worker/conversation/conversation-do";
import { type ChatCapabilities, generativeCapabilities } from "../../worker/models/select-models";
import { createServices, type Services } from "../../worker/services";

export * from "../../worker/index";
export { default } from "../../worker/index";

/** What a test injects into one conversation. */
export interface Injection {
  /** Vars that replace the Worker's for this conversation. */
  vars?: Record<string, string>;
  /** Makes the chat model of each answer in place of the configured one; it has a generative model's capabilities. */
  chatModel?: (() => LanguageModelV4) | null;
  /** Capabilities of the injected chat model that differ from a generative model's. */
  capabilities?: Partial<ChatCapabilities>;
}

const injections = new Map<string, Injection>();

function servicesWith(env: Env, injection: Injection | undefined): Services {
  const services = createServices(env, readConfig({ ...env, ...injection?.vars }));
  const chatModel = injection?.chatModel;
  if (!chatModel) return services;
  return {
    ...services,
    models: {
      ...services.models,
      chat: chatModel(),
      chatModelId: "mock",
      capabilities: { ...generativeCapabilities, ...injection.capabilities },
      offline: false,
    },
  };
}

/** `ConversationDO` with the services a test injected. */
export class ConversationDO extends ConversationObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env, (bindings) => servicesWith(bindings, injections.get(ctx.id.toString())));
  }

  /** Replaces what this conversation's services are built with, for this instance and any that replaces it. */
  inject(injection: Injection): void {
    injections.set(this.ctx.id.toString(), injection);
  }
}
