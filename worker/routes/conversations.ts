import { validateUIMessages } from "ai";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import {
  type ChatMessage,
  chatMessageSchemas,
  conversationIdSchema,
  conversationPageQuerySchema,
  feedbackRequestSchema,
  listConversationsQuerySchema,
  type MessageFeedbackView,
  renameConversationSchema,
} from "../contract";
import { listConversations } from "../conversation/conversation-index";
import { conversationStub } from "../conversation/conversation-stub";
import { conversationFeedback, type FeedbackRow, saveFeedback } from "../db/feedback";
import { notFound } from "../lib/app-error";
import { validate } from "../lib/validate";
import { callConversation } from "./conversation-call";

const conversationParamSchema = z.object({ id: conversationIdSchema });
const messageParamSchema = z.object({ id: conversationIdSchema, messageId: z.string().min(1).max(128) });

// Enough of the answer for an admin to see what was rated.
const answerExcerptLength = 500;

/** Feedback as its author reads it back. */
export function toMessageFeedbackView(row: FeedbackRow): MessageFeedbackView {
  return { messageId: row.messageId, rating: row.rating, comment: row.comment, updatedAt: row.updatedAt.toISOString() };
}

/**
 * The caller's own conversations: listed (and searched by title, a page at a time) from the D1 index, read (a page of messages at a time, newest first),
 * renamed and deleted through their Durable Object (which keeps the index in step). Anyone else's conversation is a
 * 404.
 */
export const conversationRoutes = new Hono<AppEnv>()
  .get("/", requireRole("member"), validate("query", listConversationsQuerySchema), async (c) => {
    const { limit, q, before } = c.req.valid("query");
    const { tenantId, subject } = c.var.principal;
    return c.json(await listConversations(c.var.services.db, tenantId, subject, { limit, query: q, before }));
  })
  .get(
    "/:id",
    requireRole("member"),
    validate("param", conversationParamSchema),
    validate("query", conversationPageQuerySchema),
    async (c) => {
      const { id } = c.req.valid("param");
      const { limit, before } = c.req.valid("query");
      const { tenantId, subject } = c.var.principal;
      const stored = await callConversation(c, async () =>
        conversationStub(c.env.CONVERSATIONS, tenantId, id).history({ tenantId, subject }, { limit, before }),
      );
      if (!stored) throw notFound("Conversation");
      // Checked on the way out, data parts and metadata included, so the client gets well-formed messages.
      const parsed = z.array(z.unknown()).parse(JSON.parse(stored.messagesJson));
      const messages =
        parsed.length === 0 ? [] : await validateUIMessages<ChatMessage>({ messages: parsed, ...chatMessageSchemas });
      const feedback = await conversationFeedback(c.var.services.db, { tenantId, conversationId: id, subject });
      return c.json({
        id,
        title: stored.title,
        answering: stored.answering,
        /** Consecutive answers to one question are its versions, oldest first; the last is the current one. */
        messages,
        /** The caller's ratings of this conversation's answers. */
        feedback: feedback.map(toMessageFeedbackView),
        /** Pass as `before` to read the messages before these; null when these are the first. */
        olderCursor: stored.olderCursor === null ? null : String(stored.olderCursor),
      });
    },
  )
  .patch(
    "/:id",
    requireRole("member"),
    validate("param", conversationParamSchema),
    validate("json", renameConversationSchema),
    async (c) => {
      const { id } = c.req.valid("param");
      const { title } = c.req.valid("json");
      const { tenantId, subject } = c.var.principal;
      const conversation = await callConversation(c, async () =>
        conversationStub(c.env.CONVERSATIONS, tenantId, id).rename({ tenantId, subject }, title),
      );
      if (!conversation) throw notFound("Conversation");
      return c.json({ conversation });
    },
  )
  .put(
    "/:id/messages/:messageId/feedback",
    requireRole("member"),
    validate("param", messageParamSchema),
    validate("json", feedbackRequestSchema),
    async (c) => {
      const { id, messageId } = c.req.valid("param");
      const { rating, comment } = c.req.valid("json");
      const { tenantId, subject } = c.var.principal;
      const answer = await callConversation(c, async () =>
        conversationStub(c.env.CONVERSATIONS, tenantId, id).answerText({ tenantId, subject }, messageId),
      );
      if (answer === null) throw notFound("Answer");
      const row = await saveFeedback(c.var.services.db, {
        tenantId,
        conversationId: id,
        messageId,
        subject,
        rating,
        comment: comment || null,
        answerExcerpt: answer.slice(0, answerExcerptLength),
      });
      return c.json({ feedback: toMessageFeedbackView(row) });
    },
  )
  .delete("/:id", requireRole("member"), validate("param", conversationParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId, subject } = c.var.principal;
    const deleted = await callConversation(c, async () =>
      conversationStub(c.env.CONVERSATIONS, tenantId, id).remove({ tenantId, subject }),
    );
    if (!deleted) throw notFound("Conversation");
    return c.body(null, 204);
  });
