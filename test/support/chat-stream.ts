import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ChatMessage } from "../../worker/contract";
import { call, postJson } from "./api";
import type { ConversationDO, Injection } from "./test-worker";

// The answer stream is read as any client of the API reads it.
export {
  type ReadStream,
  readStream,
  type StreamEvent,
  StreamReader,
  streamedText,
} from "../../client/answer-stream.ts";

export function userMessage(text: string): ChatMessage {
  return { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] };
}

export function ask(token: string, conversationId: string, text: string): Promise<Response> {
  return postJson("/api/chat", { id: conversationId, message: userMessage(text) }, token);
}

export function resume(token: string, conversationId: string, lastEventId?: number): Promise<Response> {
  const headers = lastEventId === undefined ? undefined : { "Last-Event-ID": String(lastEventId) };
  return call(`/api/chat/${conversationId}/stream`, { token, headers });
}

export interface StoredConversation {
  title: string;
  answering: boolean;
  messages: ChatMessage[];
}

export async function getConversation(token: string, conversationId: string): Promise<StoredConversation> {
  const response = await call(`/api/conversations/${conversationId}`, { token });
  expect(response.status).toBe(200);
  return response.json<StoredConversation>();
}

export function messageText(message: ChatMessage | undefined): string {
  return (message?.parts ?? []).flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
}

/** The conversation's last message, which must be the saved answer. */
export async function savedAnswer(token: string, conversationId: string): Promise<ChatMessage> {
  const { messages } = await getConversation(token, conversationId);
  const answer = messages.at(-1);
  expect(answer?.role).toBe("assistant");
  if (!answer) throw new Error("no saved answer");
  return answer;
}

/** What a test injects into a conversation's Durable Object before it talks to it over HTTP. */
export type ConversationSetup = Injection;

/** Injects vars or a chat model into the conversation's services; they outlast a restart of its object. */
export async function setUpConversation(tenantId: string, conversationId: string, setup: ConversationSetup) {
  const stub = env.CONVERSATIONS.getByName(`${tenantId}/${conversationId}`);
  await runInDurableObject(stub, (instance) => {
    if (!isTestConversation(instance)) throw new Error("the workers tests must run on test/support/test-worker.ts");
    instance.inject(setup);
  });
  return stub;
}

// The test worker's class is loaded apart from the test's modules, so `instanceof` cannot tell; its method can.
function isTestConversation(instance: object): instance is ConversationDO {
  return "inject" in instance && typeof instance.inject === "function";
}
