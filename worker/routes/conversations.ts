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
  listConversationsQuerySchema,
  renameConversationSchema,
} from "../contract";
import { listConversations } from "../conversation/conversation-index";
import { conversationStub } from "../conversation/conversation-stub";
import { notFound } from "../lib/app-error";
import { validate } from "../lib/validate";
import { callConversation } from "./conversation-call";

const conversationParamSchema = z.object({ id: conversationIdSchema });

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
      return c.json({
        id,
        title: stored.title,
        answering: stored.answering,
        messages,
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
  .delete("/:id", requireRole("member"), validate("param", conversationParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId, subject } = c.var.principal;
    const deleted = await callConversation(c, async () =>
      conversationStub(c.env.CONVERSATIONS, tenantId, id).remove({ tenantId, subject }),
    );
    if (!deleted) throw notFound("Conversation");
    return c.body(null, 204);
  });
