import { and, desc, eq, sql } from "drizzle-orm";
import type { ConversationSummary } from "../contract";
import type { Db } from "../db/client";
import { conversations } from "../db/schema";

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

/** The owner's conversations, most recently active first. */
export async function listConversations(
  db: Db,
  tenantId: string,
  owner: string,
  limit: number,
): Promise<ConversationSummary[]> {
  const rows = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.owner, owner)))
    .orderBy(desc(conversations.updatedAt))
    .limit(limit);
  return rows.map((row) => ({
    id: row.conversationId,
    title: row.title,
    messageCount: row.messageCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}
