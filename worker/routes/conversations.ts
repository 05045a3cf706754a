import { validateUIMessages } from "ai";
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { type ChatMessage, conversationIdSchema } from "../contract";
import { conversationStub } from "../conversation/conversation-stub";
import { notFound } from "../lib/app-error";
import { validate } from "../lib/validate";

/** Reading a conversation; only its owner sees it, anyone else gets 404. */
export const conversationRoutes = new Hono<AppEnv>().get(
  "/:id",
  requireRole("member"),
  validate("param", z.object({ id: conversationIdSchema })),
  async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId, subject } = c.var.principal;
    const stored = await conversationStub(c.env.CONVERSATIONS, tenantId, id).history({ tenantId, subject });
    if (!stored) throw notFound("Conversation");
    const messages = await validateUIMessages<ChatMessage>({ messages: stored });
    return c.json({ id, messages });
  },
);
