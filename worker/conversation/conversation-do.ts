import { DurableObject } from "cloudflare:workers";
import type { UIMessageChunk } from "ai";
import { type Reader, unreadableCollectionsOnce } from "../auth/collection-access";
import type { ChatMessage, ConversationSummary, RetrievalFilter, RetrievalStageTimings } from "../contract";
import type { Db } from "../db/client";
import { usage } from "../db/schema";
import { newId } from "../lib/ids";
import { type AnswerChunk, type FinishedAnswer, messageText, streamAnswer } from "../rag/answer-stream";
import { type CachedAnswer, cachedFormOf, streamCachedAnswer } from "../rag/cached-answer-stream";
import { retrieveChunks } from "../rag/hybrid-retrieve";
import type { ConversationTurn } from "../rag/prompt";
import { minimumFusedScore } from "../rag/retrieval-settings";
import { standaloneQuery } from "../rag/standalone-query";
import type { Services } from "../services";
import { type AnswerCache, openAnswerCache } from "./answer-cache";
import { assembleMessage } from "./assemble-message";
import {
  type ConversationIndexEntry,
  type ConversationKey,
  deleteConversationIndex,
  upsertConversationIndex,
} from "./conversation-index";
import { type ActiveAnswer, type ConversationOwner, ConversationSettings } from "./conversation-settings";
import { generateTitle, titleFromQuestion, untitled } from "./conversation-title";
import { historyWindow } from "./history-window";
import { type MessagePage, MessageStore } from "./message-store";
import { ContinuationMismatch, type SentAnswer, sentAnswer, skipSentChunks } from "./sent-answer";
import { StreamBuffer } from "./stream-buffer";

/** The caller, as the Worker has authenticated it. */
export type ConversationCaller = ConversationOwner;

/** Builds the services an answer uses from the Worker's bindings; production passes the composition root's. */
export type ServicesFactory = (env: Env) => Services;

/**
 * The answer to a new question: its SSE stream, or why there is none: `conflict` while another answer is being
 * written, `id-taken` when the message id is an answer's, `not-latest` when a question to answer again is not the
 * latest one.
 */
export type ChatStart =
  | { status: "streaming"; body: ReadableStream<Uint8Array> }
  | { status: "not-found" }
  | { status: "conflict" }
  | { status: "id-taken" }
  | { status: "not-latest" };

/** A resumed answer stream, or `idle` when there is nothing to send. */
export type StreamResume = { status: "streaming"; body: ReadableStream<Uint8Array> } | { status: "idle" };

/** A conversation as its owner reads it: a page of its messages, newest last. */
export type ConversationView = MessagePage & {
  title: string;
  /** True while an answer is being generated; the client can resume its stream. */
  answering: boolean;
};

/** Which messages to read: the newest `limit` before the cursor `before` (from an earlier page's `olderCursor`). */
export interface HistoryPage {
  before?: number | undefined;
  limit: number;
}

interface Generation {
  answerId: string;
  stop: AbortController;
  /** Settles once the answer is saved and recorded; it never rejects. */
  done: Promise<void>;
}

// What an answer is written from: the record saved before it started, and what was sent before a restart, if any.
interface AnswerPlan {
  key: ConversationKey;
  questionId: string;
  active: ActiveAnswer;
  services: Services;
  sent: SentAnswer | null;
  /** Answer the question again rather than from the answer cache. */
  regenerate: boolean;
  /** The hop from the Worker into this object that started the answer (`data-timings`); none for a continuation. */
  conversationHopMs?: number | undefined;
  /** The collections the asker may not read, as the Worker read them for the question; none for a continuation. */
  unreadableCollections?: readonly string[] | undefined;
}

// The collections the asker may not read, for one answer: as the Worker read them, or as `unreadableCollectionsOnce`
// reads them.
type Unreadable = () => Promise<readonly string[]>;

// A first question's answer cache, and the cached answer it is given (null: it is answered live, then cached).
interface FirstTurnCaching {
  cache: AnswerCache;
  question: string;
  hit: CachedAnswer | null;
}

// While an answer is generated the alarm fires this often; it keeps the object awake and catches a lost answer.
const watchdogIntervalMs = 60_000;
// An answer whose continuation keeps being cut off (e.g. it crashes the object) is given up after this many.
const maximumContinuations = 3;
// Characters of messages in one page of `history`; a single longer message is still sent whole.
const pageCharacters = 2_000_000;
/** What an answer that was cut off and could not be continued says about itself. */
export const interruptedReason =
  "The answer was interrupted on the server and could not be continued; please ask again.";

/**
 * One conversation: its owner, its messages and the generation of its answers. Named `<tenant>/<conversation id>`
 * by the Worker, so ids never collide across tenants.
 *
 * The object, not the client, owns each answer: it runs in `ctx.waitUntil`, writes every chunk to the stream buffer
 * as it comes, and saves the message when the answer ends, complete, stopped or errored. Clients read the buffer
 * (the POST's own stream is one such reader), so any number can leave and come back without touching the answer.
 * An answer cut off by a restart of the object is continued by the next instance, after what was already sent.
 *
 * The services (models, database, vector index) come from the factory the Worker passes in, once per answer.
 */
export class ConversationObject extends DurableObject<Env> {
  private settings: ConversationSettings;
  private messages: MessageStore;
  private events: StreamBuffer;
  private generation: Generation | null = null;
  private indexWrites: Promise<void> = Promise.resolve();
  private readonly services: () => Services;

  constructor(ctx: DurableObjectState, env: Env, servicesFor: ServicesFactory) {
    super(ctx, env);
    this.services = () => servicesFor(env);
    this.settings = new ConversationSettings(ctx.storage.sql);
    this.messages = new MessageStore(ctx.storage.sql);
    this.events = new StreamBuffer(ctx.storage.sql);
    // A fresh instance generates nothing yet, so an answer still recorded as active was cut off by a restart.
    if (this.settings.get("activeAnswer")) void ctx.blockConcurrencyWhile(() => this.recoverInterruptedAnswer());
  }

  /**
   * Appends the user's message and starts the answer, retrieving only from what `reader` may read (and `filter`).
   * The returned stream replays the answer from its first event. A message sent again under the id of an earlier
   * question replaces it, and what followed it is dropped (an edit, or a retry). `conflict` while another answer is
   * being generated, `id-taken` when the id is an answer's, `not-found` when the conversation is someone else's.
   * With `regenerate`, the latest question is answered again and its earlier answers stay, before the new one, as
   * versions (`not-latest` for any other question). `sentAt` is when the Worker made the call (`Date.now()`), to
   * time the hop into this object. `unreadableCollections`, when the Worker has read them for this request, spare the
   * answer reading them again.
   */
  async chat(
    caller: ConversationCaller,
    conversationId: string,
    message: ChatMessage,
    {
      reader,
      filter,
      unreadableCollections,
      regenerate = false,
      sentAt,
    }: {
      reader: Reader;
      unreadableCollections?: readonly string[];
      filter?: RetrievalFilter | undefined;
      regenerate?: boolean;
      sentAt?: number;
    },
  ): Promise<ChatStart> {
    const conversationHopMs = sentAt === undefined ? undefined : Math.max(0, Date.now() - sentAt);
    if (!this.claim(caller, conversationId)) return { status: "not-found" };
    if (this.generation) return { status: "conflict" };
    const key = this.key();
    if (!key) return { status: "not-found" };
    const storedRole = this.messages.roleOf(message.id);
    if (storedRole !== null && storedRole !== message.role) return { status: "id-taken" };
    if (regenerate && this.messages.latestId("user") !== message.id) return { status: "not-latest" };
    // Built before anything is stored, so a misconfiguration leaves no question without an answer.
    const services = this.services();

    this.messages.save(message);
    if (storedRole !== null && !regenerate) this.messages.deleteAfter(message.id);
    const title = this.settings.get("title");
    // The first question names the conversation until the model or the user does; an edited first question too.
    if (title === null || (this.messages.count() === 1 && title.source !== "user")) {
      this.settings.set("title", { text: titleFromQuestion(messageText(message)), source: "question" });
    }

    const active: ActiveAnswer = {
      answerId: newId(),
      startedAt: Date.now(),
      questionId: message.id,
      filter,
      reader: { role: reader.role, groups: [...reader.groups] },
      sources: null,
      continuations: 0,
    };
    this.events.clear();
    this.settings.set("activeAnswer", active);
    this.touch();
    const generation = this.begin({
      key,
      questionId: message.id,
      active,
      services,
      sent: null,
      regenerate,
      conversationHopMs,
      unreadableCollections,
    });
    // The pending answer keeps the object alive; the alarm is the safety net if it is restarted anyway.
    await this.ctx.storage.setAlarm(Date.now() + watchdogIntervalMs);
    return { status: "streaming", body: this.subscribe(generation, 0) };
  }

  /**
   * The stream of the current answer: from its start, or after event `lastEventId` (which also reaches the end of an
   * answer that finished in the meantime). `idle` when there is nothing to send.
   */
  async resume(caller: ConversationCaller, lastEventId: number | null): Promise<StreamResume> {
    if (!this.isOwner(caller)) return { status: "idle" };
    const generation = this.generation;
    if (lastEventId === null) {
      return generation ? { status: "streaming", body: this.subscribe(generation, 0) } : { status: "idle" };
    }
    if (!generation && !this.events.hasEventsAfter(lastEventId)) return { status: "idle" };
    return { status: "streaming", body: this.subscribe(generation, lastEventId) };
  }

  /** Stops the current answer and waits until it is saved; `idle` when none is being generated. */
  async stop(caller: ConversationCaller): Promise<"stopped" | "idle" | "not-found"> {
    if (!this.isOwner(caller)) return "not-found";
    const generation = this.generation;
    if (!generation) return "idle";
    generation.stop.abort("stopped");
    await generation.done;
    return "stopped";
  }

  /**
   * The conversation with a page of its messages, oldest first: the newest ones, or those before a cursor. Null when
   * it does not exist or is someone else's.
   */
  async history(caller: ConversationCaller, page: HistoryPage): Promise<ConversationView | null> {
    if (!this.isOwner(caller) || this.messages.count() === 0) return null;
    return {
      title: this.settings.get("title")?.text ?? untitled,
      answering: this.generation !== null,
      ...this.messages.page({ before: page.before, limit: page.limit, maximumCharacters: pageCharacters }),
    };
  }

  /** The text of one of the caller's answers (an earlier version included); null when there is no such answer. */
  async answerText(caller: ConversationCaller, messageId: string): Promise<string | null> {
    if (!this.isOwner(caller) || this.messages.roleOf(messageId) !== "assistant") return null;
    return messageText((await this.messages.get(messageId)) ?? undefined);
  }

  /** Renames the conversation; the new title is in the D1 index when this returns. Null as for `history`. */
  async rename(caller: ConversationCaller, title: string): Promise<ConversationSummary | null> {
    const key = this.key();
    if (!this.isOwner(caller) || !key || this.messages.count() === 0) return null;
    this.settings.set("title", { text: title, source: "user" });
    this.touch();
    await this.queueIndexWrite(this.services().db, key);
    return this.summary(key);
  }

  /** Deletes the conversation everywhere, stopping its answer first; false when it is not the caller's. */
  async remove(caller: ConversationCaller): Promise<boolean> {
    const key = this.key();
    if (!this.isOwner(caller) || !key) return false;
    const generation = this.generation;
    if (generation) {
      generation.stop.abort("deleted");
      await generation.done;
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.settings = new ConversationSettings(this.ctx.storage.sql);
    this.messages = new MessageStore(this.ctx.storage.sql);
    this.events = new StreamBuffer(this.ctx.storage.sql);
    // With no owner left, the index write removes the row.
    await this.queueIndexWrite(this.services().db, key);
    return true;
  }

  override async alarm(): Promise<void> {
    if (this.generation) {
      await this.ctx.storage.setAlarm(Date.now() + watchdogIntervalMs);
      return;
    }
    await this.recoverInterruptedAnswer();
  }

  private subscribe(generation: Generation | null, afterId: number): ReadableStream<Uint8Array> {
    return this.events.subscribe({ afterId, isLive: () => generation !== null && this.generation === generation });
  }

  // Starts writing an answer in the background; it saves itself when it ends.
  private begin(plan: AnswerPlan): Generation {
    const generation: Generation = {
      answerId: plan.active.answerId,
      stop: new AbortController(),
      done: Promise.resolve(),
    };
    this.generation = generation;
    generation.done = this.generate(generation, plan).catch((error: unknown) => {
      // Storage failed under the answer: free the conversation for the next question rather than leave it busy.
      console.error("Could not save the answer", error);
      if (this.generation === generation) this.generation = null;
      this.events.wake();
    });
    this.ctx.waitUntil(generation.done);
    return generation;
  }

  private async generate(generation: Generation, plan: AnswerPlan): Promise<void> {
    const { key, questionId, services, sent } = plan;
    const { models, db, config } = services;
    const startedAt = Date.now();
    const outcome: { answer?: FinishedAnswer } = {};
    let failure: unknown = null;
    let caching: FirstTurnCaching | null = null;
    // As the Worker read them for the question, or else read once per answer when first needed; a continuation after
    // a restart reads them again, so it honours access as it is then.
    const known = plan.unreadableCollections;
    const unreadable: Unreadable = known
      ? () => Promise.resolve(known)
      : unreadableCollectionsOnce(db, key.tenantId, plan.active.reader);
    try {
      const question = messageText((await this.messages.get(questionId)) ?? undefined);
      const history = await historyWindow(this.messages.newestFirst({ before: questionId }));
      // Only a first question is answered from the cache: a follow-up's answer depends on what came before it.
      if (config.answerCache && history.length === 0 && sent === null) {
        caching = await this.lookUpAnswer(services, plan, question, unreadable);
      }
      const cached = caching?.hit ?? null;
      const onFinish = (answer: FinishedAnswer) => {
        outcome.answer = answer;
      };
      const stream = cached
        ? streamCachedAnswer({
            answer: cached,
            messageId: generation.answerId,
            modelId: models.chatModelId,
            offline: models.offline,
            startedAt,
            onFinish,
          })
        : this.liveAnswer(generation, plan, { question, history, unreadable }, onFinish);
      // Readers of a continued answer already have its beginning; they get only what is new.
      const chunks = sent ? stream.pipeThrough(skipSentChunks(sent)) : stream;
      let indexed = false;
      for await (const chunk of chunks) {
        this.events.append(chunk);
        // The D1 index learns of the question once the answer's first text is stored: the write is kept off the way
        // to the first token (D1 runs one statement at a time, and retrieval's queries would wait behind it). An
        // answer without text is indexed when it ends, like every answer; one cut off by a restart when recovered.
        if (!indexed && chunk.type === "text-delta") {
          indexed = true;
          this.queueIndexWrite(db, key);
        }
      }
    } catch (error) {
      failure = error;
      if (error instanceof ContinuationMismatch) console.warn("Could not continue the answer", error.message);
      else console.error("The answer stream failed", error);
    }

    const answer = failure === null ? outcome.answer : undefined;
    // Kept before the stream ends, so that the asker's next question already finds it.
    const cachedForm = caching && !caching.hit && answer ? cachedFormOf(answer) : null;
    if (caching && cachedForm) await this.keepAnswer(caching, cachedForm);
    const message = answer ? await this.savedForm(answer, sent !== null) : await this.salvage(generation.answerId);
    this.messages.save(message);
    this.settings.delete("activeAnswer");
    this.touch();
    this.generation = null;
    this.events.wake();

    const settled = [this.ctx.storage.deleteAlarm(), this.queueIndexWrite(db, key)];
    if (answer) settled.push(this.recordUsage(db, key, answer));
    const results = await Promise.allSettled(settled);
    for (const result of results) if (result.status === "rejected") console.error("After the answer", result.reason);
    if (answer?.status === "complete" && models.capabilities.writesTitles) {
      const question = messageText((await this.messages.get(questionId)) ?? undefined);
      this.ctx.waitUntil(this.nameConversation(services, key, question, messageText(answer.message)));
    }
  }

  // The message to save: as the answer built it, or, for a continued answer, as its readers received it whole.
  private async savedForm(answer: FinishedAnswer, continued: boolean): Promise<ChatMessage> {
    if (!continued) return answer.message;
    const message = await assembleMessage(await this.events.chunks(), answer.message.id);
    return { ...message, metadata: { ...message.metadata, ...answer.message.metadata } };
  }

  // What is left of an answer whose stream broke: the chunks buffered so far, marked as errored.
  // A buffer that cannot be read back leaves an errored answer without text rather than a conversation that fails.
  private async salvage(answerId: string): Promise<ChatMessage> {
    this.events.append({ type: "error", errorText: interruptedReason } satisfies UIMessageChunk);
    const metadata = { status: "errored", reason: interruptedReason } as const;
    try {
      const message = await assembleMessage(await this.events.chunks(), answerId);
      return { ...message, metadata: { ...message.metadata, ...metadata } };
    } catch (error) {
      console.error("Could not read back the interrupted answer", error);
      return { id: answerId, role: "assistant", parts: [], metadata };
    }
  }

  /**
   * Takes up an answer a restart cut off: it goes on after what its readers were sent. An answer that had already
   * ended is saved as it ended; one that cannot go on is saved as errored, with the text sent so far.
   */
  private async recoverInterruptedAnswer(): Promise<void> {
    const active = this.settings.get("activeAnswer");
    const key = this.key();
    if (!active || this.generation) return;
    // This runs while the object holds back requests: it must end, and never throw, or every request fails with it.
    try {
      const chunks = await this.events.chunks();
      const sent = sentAnswer(chunks);
      const questionId = active.questionId;
      if (
        key &&
        sent &&
        questionId !== undefined &&
        this.messages.roleOf(questionId) === "user" &&
        active.continuations < maximumContinuations
      ) {
        const continued = { ...active, continuations: active.continuations + 1 };
        this.settings.set("activeAnswer", continued);
        this.begin({ key, questionId, active: continued, services: this.services(), sent, regenerate: false });
        await this.ctx.storage.setAlarm(Date.now() + watchdogIntervalMs);
        return;
      }
      // Cut off after its last chunk but before it was saved: it ended as it says.
      const ended = chunks.some((chunk) => chunk.type === "finish")
        ? await assembleMessage(chunks, active.answerId)
        : null;
      this.messages.save(ended?.metadata?.status ? ended : await this.salvage(active.answerId));
    } catch (error) {
      console.error("Could not take up the interrupted answer", error);
      if (this.generation) return;
      this.messages.save(await this.salvage(active.answerId));
    }
    this.settings.delete("activeAnswer");
    this.touch();
    this.events.wake();
    try {
      if (key) await this.queueIndexWrite(this.services().db, key);
    } catch (error) {
      console.error("Could not update the conversation index", error);
    }
  }

  // The answer the model writes from what retrieval finds.
  private liveAnswer(
    generation: Generation,
    plan: AnswerPlan,
    { question, history, unreadable }: { question: string; history: ConversationTurn[]; unreadable: Unreadable },
    onFinish: (answer: FinishedAnswer) => void,
  ): ReadableStream<AnswerChunk> {
    const { key, active, services, sent, conversationHopMs } = plan;
    const { models, config } = services;
    const retrievalStages: RetrievalStageTimings = {};
    return streamAnswer({
      model: models.chat,
      modelId: models.chatModelId,
      offline: models.offline,
      messageId: generation.answerId,
      question,
      history,
      retrieve: async (latest) => {
        const [query, unreadableCollections] = await Promise.all([
          standaloneQuery({
            question: latest,
            history,
            model: models.chat,
            rewritesQueries: models.capabilities.rewritesQueries,
            abortSignal: generation.stop.signal,
          }),
          unreadable(),
        ]);
        const sources = await retrieveChunks(
          {
            chunkSearch: services.chunkSearch,
            vectorIndex: services.vectorIndex,
            embedding: models.embedding,
            reranker: models.reranker,
            settings: config.retrieval,
          },
          {
            tenantId: key.tenantId,
            query,
            topK: config.retrievalTopK,
            filter: active.filter,
            unreadableCollections,
            stageTimings: retrievalStages,
          },
        );
        return { query, sources };
      },
      retrievalStages,
      conversationHopMs,
      grounding: {
        relevance: models.sourceRelevance,
        minimumScore: minimumFusedScore(config.retrieval),
        topK: config.retrievalTopK,
      },
      // Kept before any text cites them, so that a continuation after a restart cites the same passages.
      onSources: ({ sources, uncoveredParts }) => {
        if (this.generation === generation) {
          this.settings.set("activeAnswer", { ...active, sources, uncoveredParts });
        }
      },
      resumeFrom: sent
        ? {
            sources: active.sources,
            uncoveredParts: active.uncoveredParts ?? [],
            text: sent.text,
            textComplete: sent.textEnded,
            continuesAnswers: models.capabilities.continuesAnswers,
          }
        : undefined,
      stopSignal: generation.stop.signal,
      onFinish,
    });
  }

  private async keepAnswer(caching: FirstTurnCaching, answer: CachedAnswer): Promise<void> {
    try {
      await caching.cache.store(caching.question, answer);
    } catch (error) {
      console.error("Could not keep the answer in the answer cache", error);
    }
  }

  // The cache of answers the asker may be given (its tenant, the collections it may read, its filter, the same models
  // and settings), and its answer to the question unless it is to be answered again. A cache that fails is skipped.
  private async lookUpAnswer(
    services: Services,
    plan: AnswerPlan,
    question: string,
    unreadable: Unreadable,
  ): Promise<FirstTurnCaching | null> {
    const { db, models, config } = services;
    const { key, active } = plan;
    try {
      const cache = openAnswerCache(db, {
        tenantId: key.tenantId,
        unreadableCollections: unreadable,
        filter: active.filter,
        defer: (work) => this.ctx.waitUntil(work),
        answerSettings: {
          chatModel: models.chatModelId,
          embeddingModel: models.embeddingModelId,
          topK: config.retrievalTopK,
          retrieval: config.retrieval,
        },
      });
      return { cache, question, hit: plan.regenerate ? null : await cache.find(question) };
    } catch (error) {
      console.error("Could not read the answer cache", error);
      return null;
    }
  }

  // Replaces the title from the question with one the model writes, unless the user has named it meanwhile.
  private async nameConversation(services: Services, key: ConversationKey, question: string, answer: string) {
    if (this.settings.get("title")?.source !== "question" || this.messages.count() > 2) return;
    const title = await generateTitle(services.models.chat, question, answer);
    if (title === null || this.settings.get("title")?.source !== "question") return;
    this.settings.set("title", { text: title, source: "generated" });
    this.touch();
    await this.queueIndexWrite(services.db, key);
  }

  private async recordUsage(db: Db, key: ConversationKey, answer: FinishedAnswer): Promise<void> {
    await db.insert(usage).values({
      id: newId(),
      tenantId: key.tenantId,
      conversationId: key.conversationId,
      messageId: answer.message.id,
      model: answer.timings.model,
      retrievalMs: answer.timings.retrievalMs,
      firstTokenMs: answer.timings.firstTokenMs,
      totalMs: answer.timings.totalMs,
      inputTokens: answer.timings.inputTokens,
      outputTokens: answer.timings.outputTokens,
      chunkIds: answer.sources.map((source) => source.chunkId),
    });
  }

  // Brings the D1 index in step with this object. Writes run one after another and each reads the state when it runs,
  // so the last one always leaves the index as the object is; with no owner left (deleted) it removes the row.
  private queueIndexWrite(db: Db, key: ConversationKey): Promise<void> {
    const write = this.indexWrites
      .then(() => {
        const entry = this.indexEntry(key);
        return entry ? upsertConversationIndex(db, entry) : deleteConversationIndex(db, key);
      })
      .catch((error: unknown) => console.error("Could not update the conversation index", error));
    this.indexWrites = write;
    this.ctx.waitUntil(write);
    return write;
  }

  private indexEntry(key: ConversationKey): ConversationIndexEntry | null {
    const owner = this.settings.get("owner");
    const conversation = this.settings.get("conversation");
    if (!owner || !conversation) return null;
    return {
      ...key,
      owner: owner.subject,
      title: this.settings.get("title")?.text ?? untitled,
      messageCount: this.messages.count(),
      createdAt: new Date(conversation.createdAt),
      updatedAt: new Date(this.settings.get("updatedAt") ?? conversation.createdAt),
    };
  }

  private summary(key: ConversationKey): ConversationSummary | null {
    const entry = this.indexEntry(key);
    if (!entry) return null;
    return {
      id: key.conversationId,
      title: entry.title,
      messageCount: entry.messageCount,
      createdAt: entry.createdAt.toISOString(),
      updatedAt: entry.updatedAt.toISOString(),
    };
  }

  // Moves `updatedAt` forward, by at least 1 ms, since the clock of a Worker can stand still within a request.
  private touch(): void {
    const previous = this.settings.get("updatedAt") ?? 0;
    this.settings.set("updatedAt", Math.max(Date.now(), previous + 1));
  }

  private claim(caller: ConversationCaller, conversationId: string): boolean {
    const owner = this.settings.get("owner");
    if (owner === null) {
      this.settings.set("owner", { tenantId: caller.tenantId, subject: caller.subject });
    } else if (owner.tenantId !== caller.tenantId || owner.subject !== caller.subject) {
      return false;
    }
    if (this.settings.get("conversation") === null) {
      this.settings.set("conversation", { id: conversationId, createdAt: Date.now() });
    }
    return true;
  }

  private isOwner(caller: ConversationCaller): boolean {
    const owner = this.settings.get("owner");
    return owner !== null && owner.tenantId === caller.tenantId && owner.subject === caller.subject;
  }

  private key(): ConversationKey | null {
    const owner = this.settings.get("owner");
    const conversation = this.settings.get("conversation");
    return owner && conversation ? { tenantId: owner.tenantId, conversationId: conversation.id } : null;
  }
}
