import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireRole } from "../auth/require-role";
import { type FeedbackView, feedbackQuerySchema } from "../contract";
import { type FeedbackRow, listFeedback } from "../db/feedback";
import { validate } from "../lib/validate";
import { toMessageFeedbackView } from "./conversations";

function toFeedbackView(row: FeedbackRow): FeedbackView {
  return {
    ...toMessageFeedbackView(row),
    id: row.seq,
    conversationId: row.conversationId,
    subject: row.subject,
    answerExcerpt: row.answerExcerpt,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What users thought of the tenant's answers (thumbs and comments), for admins: newest first, a page at a time. */
export const feedbackRoutes = new Hono<AppEnv>().get(
  "/",
  requireRole("admin"),
  validate("query", feedbackQuerySchema),
  async (c) => {
    const query = c.req.valid("query");
    const rows = await listFeedback(c.var.services.db, c.var.principal.tenantId, query);
    const last = rows.at(-1);
    return c.json({
      feedback: rows.map(toFeedbackView),
      nextCursor: rows.length === query.limit && last ? last.seq : null,
    });
  },
);
