import { DurableObject } from "cloudflare:workers";
import { createUIMessageStreamResponse } from "ai";
import { readConfig } from "../config";
import type { ChatMessage } from "../contract";
import { usage } from "../db/schema";
import { newId } from "../lib/ids";
import { type FinishedAnswer, streamAnswer } from "../rag/answer-stream";
import { retrieveChunks } from "../rag/hybrid-retrieve";
import { createServices } from "../services";

/** The caller, as the Worker has authenticated it. */
export interface ConversationCaller {
  tenantId: string;
  subject: string;
}

/**
 * One conversation: its owner, its messages (SQLite, one row each) and the generation of its answers.
 * Named `<tenant>/<conversation id>` by the Worker, so ids never collide across tenants.
 */
export class ConversationDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );`);
  }

  /**
   * Appends the user's message and streams the answer as an SSE UI message stream; null when the
   * conversation belongs to someone else.
   */
  async chat(caller: ConversationCaller, conversationId: string, message: ChatMessage): Promise<Response | null> {
    if (!this.claim(caller)) return null;
    if (!this.hasMessage(message.id)) this.saveMessage(message);

    const config = readConfig(this.env);
    const services = createServices(this.env, config);
    const { models } = services;
    const stream = streamAnswer({
      model: models.chat,
      modelId: models.chatModelId,
      offline: models.offline,
      messages: this.messages(),
      retrieve: (query) =>
        retrieveChunks(
          { db: services.db, vectorIndex: services.vectorIndex, embedding: models.embedding },
          { tenantId: caller.tenantId, query, topK: config.retrievalTopK },
        ),
      onFinish: async (answer) => {
        this.saveMessage(answer.message);
        await this.recordUsage(services.db, caller, conversationId, answer);
      },
    });
    // The copy consumed here keeps generation (and saving the answer) going if the client goes away.
    const response = createUIMessageStreamResponse({
      stream,
      consumeSseStream: ({ stream: copy }) => this.ctx.waitUntil(copy.pipeTo(new WritableStream())),
    });
    return response;
  }

  /**
   * The conversation's messages, oldest first, as stored (the Worker validates them on the way out); null
   * when it does not exist or belongs to someone else.
   */
  async history(caller: ConversationCaller): Promise<unknown[] | null> {
    if (!this.isOwner(caller) || this.messageCount() === 0) return null;
    return this.messages();
  }

  private claim(caller: ConversationCaller): boolean {
    const owner = this.owner();
    if (owner === null) {
      this.ctx.storage.sql.exec(
        "INSERT INTO settings (key, value) VALUES ('owner', ?)",
        JSON.stringify({ tenantId: caller.tenantId, subject: caller.subject }),
      );
      return true;
    }
    return this.isOwner(caller);
  }

  private isOwner(caller: ConversationCaller): boolean {
    const owner = this.owner();
    return owner !== null && owner.tenantId === caller.tenantId && owner.subject === caller.subject;
  }

  private owner(): ConversationCaller | null {
    const row = this.ctx.storage.sql
      .exec<{ value: string }>("SELECT value FROM settings WHERE key = 'owner'")
      .toArray()[0];
    return row ? JSON.parse(row.value) : null;
  }

  private hasMessage(id: string): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM messages WHERE id = ?", id).toArray().length > 0;
  }

  private messageCount(): number {
    return this.ctx.storage.sql.exec<{ count: number }>("SELECT count(*) AS count FROM messages").one().count;
  }

  private saveMessage(message: ChatMessage): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO messages (id, role, body, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
      message.id,
      message.role,
      JSON.stringify(message),
      Date.now(),
    );
  }

  private messages(): ChatMessage[] {
    return this.ctx.storage.sql
      .exec<{ body: string }>("SELECT body FROM messages ORDER BY seq")
      .toArray()
      .map((row) => JSON.parse(row.body));
  }

  private async recordUsage(
    db: ReturnType<typeof createServices>["db"],
    caller: ConversationCaller,
    conversationId: string,
    answer: FinishedAnswer,
  ): Promise<void> {
    await db.insert(usage).values({
      id: newId(),
      tenantId: caller.tenantId,
      conversationId,
      messageId: answer.message.id,
      model: answer.timings.model,
      retrievalMs: answer.timings.retrievalMs,
      firstTokenMs: answer.timings.firstTokenMs,
      totalMs: answer.timings.totalMs,
      inputTokens: answer.usage.inputTokens,
      outputTokens: answer.usage.outputTokens,
      chunkIds: answer.sources.map((source) => source.chunkId),
    });
  }
}
