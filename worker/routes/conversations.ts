import { validateUIMessages } from "ai";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import {
  type ChatMessage,
  conversationIdSchema,
  listConversationsQuerySchema,
  renameConversationSchema,
} from "../contract";
import { listConversations } from "../conversation/conversation-index";
import { conversationStub } from "../conversation/conversation-stub";
import { notFound } from "../lib/app-error";
import { validate } from "../lib/validate";

const conversationParamSchema = z.object({ id: conversationIdSchema });

/**
 * The caller's own conversations: listed from the D1 index, read, renamed and deleted through their Durable Object
 * (which keeps the index in step). Anyone else's conversation is a 404.
 */
export const conversationRoutes = new Hono<AppEnv>()
  .get("/", requireRole("member"), validate("query", listConversationsQuerySchema), async (c) => {
    const { limit } = c.req.valid("query");
    const { tenantId, subject } = c.var.principal;
    return c.json({ conversations: await listConversations(c.var.services.db, tenantId, subject, limit) });
  })
  .get("/:id", requireRole("member"), validate("param", conversationParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId, subject } = c.var.principal;
    const stored = await conversationStub(c.env.CONVERSATIONS, tenantId, id).history({ tenantId, subject });
    if (!stored) throw notFound("Conversation");
    const messages = await validateUIMessages<ChatMessage>({ messages: JSON.parse(stored.messagesJson) });
    return c.json({ id, title: stored.title, answering: stored.answering, messages });
  })
  .patch(
    "/:id",
    requireRole("member"),
    validate("param", conversationParamSchema),
    validate("json", renameConversationSchema),
    async (c) => {
      const { id } = c.req.valid("param");
      const { title } = c.req.valid("json");
      const { tenantId, subject } = c.var.principal;
      const conversation = await conversationStub(c.env.CONVERSATIONS, tenantId, id).rename(
        { tenantId, subject },
        title,
      );
      if (!conversation) throw notFound("Conversation");
      return c.json({ conversation });
    },
  )
  .delete("/:id", requireRole("member"), validate("param", conversationParamSchema), async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId, subject } = c.var.principal;
    const deleted = await conversationStub(c.env.CONVERSATIONS, tenantId, id).remove({ tenantId, subject });
    if (!deleted) throw notFound("Conversation");
    return c.body(null, 204);
  });
