import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ChatMessage } from "../../worker/contract";
import { call, postJson } from "./api";
import type { ConversationDO, Injection } from "./test-worker";

/** One event of an SSE answer stream: its `id:` and the UI message chunk in its `data:`. */
export interface StreamEvent {
  id: number | null;
  chunk: { type: string; [key: string]: unknown };
}

/** What a stream sent, in order: events, `: comment` lines, and whether it ended with `[DONE]`. */
export interface ReadStream {
  events: StreamEvent[];
  comments: string[];
  done: boolean;
}

/**
 * Reads an SSE response event by event, as a browser's EventSource would, so a test can stop reading (disconnect)
 * at any point.
 */
export class StreamReader {
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = "";
  readonly comments: string[] = [];
  done = false;

  constructor(response: Response) {
    if (!response.body) throw new Error("the response has no body");
    this.reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event, or null at the end of the stream. Comments and `[DONE]` are recorded on the way. */
  async next(): Promise<StreamEvent | null> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = this.parse(block);
        if (event) return event;
        continue;
      }
      const { done, value } = await this.reader.read();
      if (done) return null;
      this.buffer += value;
    }
  }

  /** Up to `count` more events. */
  async take(count: number): Promise<StreamEvent[]> {
    const events: StreamEvent[] = [];
    while (events.length < count) {
      const event = await this.next();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  async rest(): Promise<ReadStream> {
    const events: StreamEvent[] = [];
    for (let event = await this.next(); event; event = await this.next()) events.push(event);
    return { events, comments: this.comments, done: this.done };
  }

  /** The client goes away. */
  async disconnect(): Promise<void> {
    await this.reader.cancel();
  }

  private parse(block: string): StreamEvent | null {
    let id: number | null = null;
    let data: string | null = null;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("id: ")) id = Number(line.slice(4));
      else if (line.startsWith("data: ")) data = line.slice(6);
    }
    if (data === null) return null;
    if (data === "[DONE]") {
      this.done = true;
      return null;
    }
    return { id, chunk: JSON.parse(data) };
  }
}

export async function readStream(response: Response): Promise<ReadStream> {
  return new StreamReader(response).rest();
}

/** The answer text the events carry: their text deltas, joined. */
export function streamedText(events: readonly StreamEvent[]): string {
  return events.flatMap((event) => (event.chunk.type === "text-delta" ? [String(event.chunk.delta)] : [])).join("");
}

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
