import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { chatRequestSchema } from "../contract";
import { conversationStub } from "../conversation/conversation-stub";
import { AppError, notFound } from "../lib/app-error";
import { validate } from "../lib/validate";

/** Per-user rate limit on questions (the rate-limit binding; counted per Cloudflare location). */
const questionRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const { tenantId, subject } = c.var.principal;
  const { success } = await c.env.CHAT_RATE_LIMITER.limit({ key: `${tenantId}/${subject}` });
  if (!success) throw new AppError(429, "rate_limited", "Too many questions in a short time; try again in a minute");
  await next();
});

/** Ask: the conversation's Durable Object answers with an SSE UI message stream. */
export const chatRoutes = new Hono<AppEnv>().post(
  "/",
  requireRole("member"),
  questionRateLimit,
  validate("json", chatRequestSchema),
  async (c) => {
    const { id, message } = c.req.valid("json");
    const { tenantId, subject } = c.var.principal;
    const stream = await conversationStub(c.env.CONVERSATIONS, tenantId, id).chat({ tenantId, subject }, id, message);
    if (!stream) throw notFound("Conversation");
    return stream;
  },
);
