import { and, desc, eq, sql } from "drizzle-orm";
import type { ConversationSummary, TimeIdCursor } from "../contract";
import type { Db } from "../db/client";
import { conversations } from "../db/schema";
import { afterTimeIdCursor, timeIdPage } from "../db/time-id-page";

/** Which conversation an index row is about: the tenant and the id the client chose. */
export interface ConversationKey {
  tenantId: string;
  conversationId: string;
}

/** What the index keeps of a conversation; the Durable Object is the source of truth. */
export interface ConversationIndexEntry extends ConversationKey {
  owner: string;
  title: string;
  messageCount: number;
  createdAt: Date;
  updatedAt: Date;
}

// The index row id is the Durable Object's name.
function conversationIndexId({ tenantId, conversationId }: ConversationKey): string {
  return `${tenantId}/${conversationId}`;
}

/**
 * Writes the conversation's current state to the D1 index. A write never replaces a newer one, so writes that
 * finish out of order leave the latest state.
 */
export async function upsertConversationIndex(db: Db, entry: ConversationIndexEntry): Promise<void> {
  const values = {
    title: entry.title,
    messageCount: entry.messageCount,
    updatedAt: entry.updatedAt,
  };
  await db
    .insert(conversations)
    .values({
      id: conversationIndexId(entry),
      tenantId: entry.tenantId,
      conversationId: entry.conversationId,
      owner: entry.owner,
      createdAt: entry.createdAt,
      ...values,
    })
    .onConflictDoUpdate({
      target: conversations.id,
      set: values,
      setWhere: sql`excluded.updated_at >= ${conversations.updatedAt}`,
    });
}

export async function deleteConversationIndex(db: Db, key: ConversationKey): Promise<void> {
  await db.delete(conversations).where(eq(conversations.id, conversationIndexId(key)));
}

/** What to list of an owner's conversations: a page of at most `limit`, after `before`, with titles containing `query`. */
export interface ConversationListing {
  limit: number;
  query?: string | undefined;
  before?: TimeIdCursor | undefined;
}

/**
 * The owner's conversations, most recently active first (ties by id), and the cursor of the page after them (null:
 * none). A search matches titles containing `query` (LIKE, so case-insensitive for ASCII letters), its `%` and `_`
 * taken literally.
 */
export async function listConversations(
  db: Db,
  tenantId: string,
  owner: string,
  { limit, query, before }: ConversationListing,
): Promise<{ conversations: ConversationSummary[]; nextCursor: string | null }> {
  const rows = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        eq(conversations.owner, owner),
        query ? sql`${conversations.title} LIKE ${`%${escapeLike(query)}%`} ESCAPE '\\'` : undefined,
        afterTimeIdCursor(conversations.updatedAt, conversations.conversationId, before),
      ),
    )
    .orderBy(desc(conversations.updatedAt), desc(conversations.conversationId))
    .limit(limit + 1);
  const { page, nextCursor } = timeIdPage(rows, limit, (row) => ({ at: row.updatedAt, id: row.conversationId }));
  return {
    conversations: page.map((row) => ({
      id: row.conversationId,
      title: row.title,
      messageCount: row.messageCount,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    })),
    nextCursor,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
