import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "./client";
import { feedback } from "./schema";

export type FeedbackRow = typeof feedback.$inferSelect;

/** One user's rating of one answer. */
export interface FeedbackRecord {
  tenantId: string;
  conversationId: string;
  messageId: string;
  subject: string;
  rating: "up" | "down";
  comment: string | null;
  answerExcerpt: string;
}

/**
 * Saves the user's rating of the answer, replacing an earlier one; a changed rating moves to the top of the admins'
 * list (it is deleted and written anew), keeping when it was first given.
 */
export async function saveFeedback(db: Db, record: FeedbackRecord): Promise<FeedbackRow> {
  const sameRating = and(usersFeedbackIn(record), eq(feedback.messageId, record.messageId));
  const [earlier] = await db.select({ createdAt: feedback.createdAt }).from(feedback).where(sameRating);
  const now = new Date();
  const [, inserted] = await db.batch([
    db.delete(feedback).where(sameRating),
    db
      .insert(feedback)
      .values({ ...record, createdAt: earlier?.createdAt ?? now, updatedAt: now })
      .returning(),
  ]);
  const [row] = inserted;
  if (!row) throw new Error("the feedback row was not written");
  return row;
}

/** A user (`subject`) in one conversation of a tenant. */
interface ConversationUser {
  tenantId: string;
  conversationId: string;
  subject: string;
}

function usersFeedbackIn(user: ConversationUser) {
  return and(
    eq(feedback.tenantId, user.tenantId),
    eq(feedback.conversationId, user.conversationId),
    eq(feedback.subject, user.subject),
  );
}

/** The user's feedback on the answers of one conversation. */
export function conversationFeedback(db: Db, user: ConversationUser): Promise<FeedbackRow[]> {
  return db.select().from(feedback).where(usersFeedbackIn(user));
}

/** A tenant's feedback, newest first, optionally of one rating, before the cursor `before`. */
export function listFeedback(
  db: Db,
  tenantId: string,
  filter: { rating?: "up" | "down" | undefined; before?: number | undefined; limit: number },
): Promise<FeedbackRow[]> {
  return db
    .select()
    .from(feedback)
    .where(
      and(
        eq(feedback.tenantId, tenantId),
        filter.rating ? eq(feedback.rating, filter.rating) : undefined,
        filter.before ? lt(feedback.seq, filter.before) : undefined,
      ),
    )
    .orderBy(desc(feedback.seq))
    .limit(filter.limit);
}
