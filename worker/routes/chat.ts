import { UI_MESSAGE_STREAM_HEADERS } from "ai";
import { Hono } from "hono";
import { endTime, startTime, timing } from "hono/timing";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { unreadableCollections } from "../auth/collection-access";
import { addressRateLimit, perUser, rateLimit } from "../auth/rate-limit";
import { requireRole } from "../auth/require-role";
import { requireTokenBudget } from "../auth/token-budget";
import { chatRequestSchema, conversationIdSchema } from "../contract";
import { conversationStub } from "../conversation/conversation-stub";
import { AppError, notFound } from "../lib/app-error";
import { validate } from "../lib/validate";
import { callConversation } from "./conversation-call";

/**
 * Per-user rate limit on questions. It runs after the body is read: a proxy in front of the Worker can fail a
 * request whose answer comes before its body has been sent.
 */
const questionRateLimit = rateLimit(
  "CHAT_RATE_LIMITER",
  perUser,
  "Too many questions in a short time; try again in a minute",
);

const conversationParamSchema = z.object({ id: conversationIdSchema });

// Header names arrive in lower case. An id we never sent (not a number) cannot be resumed from.
const resumeHeadersSchema = z.object({
  "last-event-id": z
    .string()
    .regex(/^\d{1,15}$/, "Last-Event-ID must be the id of an event of this stream")
    .transform(Number)
    .optional(),
});

// An SSE UI message stream (AI SDK v7), with the headers that keep proxies from buffering it.
function eventStreamResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { headers: UI_MESSAGE_STREAM_HEADERS });
}

/**
 * Asking, resuming and stopping. The conversation's Durable Object generates each answer and buffers its events;
 * these routes only hand out readers of that buffer, so a client that goes away loses nothing.
 */
export const chatRoutes = new Hono<AppEnv>()
  .post(
    "/",
    // `Server-Timing`: the Worker's part of the answer (`total`), and the call that starts it (`conversation`); the
    // retrieval stages come later, in the stream's `data-timings`.
    timing({ totalDescription: "In the Worker" }),
    addressRateLimit,
    requireRole("member"),
    validate("json", chatRequestSchema),
    questionRateLimit,
    async (c) => {
      const { id, message, filter, trigger } = c.req.valid("json");
      const { tenantId, subject, role, groups } = c.var.principal;
      const { db } = c.var.services;
      // A question is refused once the tenant has used its daily budget of model tokens (429 with `Retry-After`).
      // The collections the asker may not read are read at the same time and handed to the answer, which would
      // otherwise read them itself: one D1 round trip fewer before its first token.
      const [, unreadable] = await Promise.all([
        requireTokenBudget(db, tenantId),
        unreadableCollections(db, tenantId, c.var.principal),
      ]);
      startTime(c, "conversation", "Starting the answer in the conversation's object");
      const start = await callConversation(c, async () =>
        conversationStub(c.env.CONVERSATIONS, tenantId, id).chat({ tenantId, subject }, id, message, {
          reader: { role, groups },
          unreadableCollections: unreadable,
          filter,
          regenerate: trigger === "regenerate-message",
          sentAt: Date.now(),
        }),
      );
      endTime(c, "conversation");
      if (start.status === "not-found") throw notFound("Conversation");
      if (start.status === "conflict") {
        throw new AppError(
          "conflict",
          "An answer is already being written in this conversation; wait for it or stop it first",
        );
      }
      if (start.status === "id-taken") {
        throw new AppError(
          "conflict",
          `Message id "${message.id}" belongs to an answer in this conversation; send the question with a new id`,
        );
      }
      if (start.status === "not-latest") {
        throw new AppError("conflict", "Only the latest question of a conversation can be answered again");
      }
      return eventStreamResponse(start.body);
    },
  )
  .get(
    "/:id/stream",
    requireRole("member"),
    validate("param", conversationParamSchema),
    validate("header", resumeHeadersSchema),
    async (c) => {
      const { id } = c.req.valid("param");
      const lastEventId = c.req.valid("header")["last-event-id"] ?? null;
      const { tenantId, subject } = c.var.principal;
      const resumed = await callConversation(c, async () =>
        conversationStub(c.env.CONVERSATIONS, tenantId, id).resume({ tenantId, subject }, lastEventId),
      );
      // 204 tells the AI SDK's `useChat({ resume: true })` that there is no answer to pick up.
      if (resumed.status === "idle") return c.body(null, 204);
      return eventStreamResponse(resumed.body);
    },
  )
  .post("/:id/stop", requireRole("member"), validate("param", conversationParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId, subject } = c.var.principal;
    const result = await callConversation(c, async () =>
      conversationStub(c.env.CONVERSATIONS, tenantId, id).stop({ tenantId, subject }),
    );
    if (result === "not-found") throw notFound("Conversation");
    return c.json({ stopped: result === "stopped" });
  });
