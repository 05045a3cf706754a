import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "./client";
import { webhookDeliveries, webhookSecrets } from "./schema";

export type WebhookSecretRow = typeof webhookSecrets.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveredDocument = WebhookDeliveryRow["documents"][number];

/** The secrets a delivery may be signed with now: the current one and any still in their rollover. */
export function acceptedWebhookSecrets(db: Db, tenantId: string, now: Date): Promise<WebhookSecretRow[]> {
  return db
    .select()
    .from(webhookSecrets)
    .where(
      and(
        eq(webhookSecrets.tenantId, tenantId),
        or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, now)),
      ),
    )
    .orderBy(desc(webhookSecrets.createdAt));
}

export function listWebhookSecrets(db: Db, tenantId: string): Promise<WebhookSecretRow[]> {
  return db
    .select()
    .from(webhookSecrets)
    .where(eq(webhookSecrets.tenantId, tenantId))
    .orderBy(desc(webhookSecrets.createdAt))
    .limit(20);
}

/**
 * Makes `secret` the current one; the previous current secret expires at `previousExpiresAt` (a rollover), and one
 * already in rollover keeps its own end. One batch, so there is never a moment without a current secret.
 */
export async function rotateWebhookSecret(
  db: Db,
  row: { id: string; tenantId: string; secret: string },
  previousExpiresAt: Date,
): Promise<WebhookSecretRow> {
  const [, inserted] = await db.batch([
    db
      .update(webhookSecrets)
      .set({ expiresAt: previousExpiresAt })
      .where(and(eq(webhookSecrets.tenantId, row.tenantId), isNull(webhookSecrets.expiresAt))),
    db.insert(webhookSecrets).values(row).returning(),
  ]);
  const [saved] = inserted;
  if (!saved) throw new Error("The webhook secret was not saved");
  return saved;
}

/** Ends a secret now (e.g. it leaked); undefined when the tenant has no such secret. */
export async function revokeWebhookSecret(
  db: Db,
  tenantId: string,
  id: string,
  now: Date,
): Promise<WebhookSecretRow | undefined> {
  const [row] = await db
    .update(webhookSecrets)
    .set({ expiresAt: now })
    .where(
      and(
        eq(webhookSecrets.tenantId, tenantId),
        eq(webhookSecrets.id, id),
        or(isNull(webhookSecrets.expiresAt), gt(webhookSecrets.expiresAt, now)),
      ),
    )
    .returning();
  return row ?? db.select().from(webhookSecrets).where(eq(webhookSecrets.id, id)).get();
}

/**
 * Claims a delivery id for processing: true when this is its first arrival, false when it was seen before (the
 * unique index decides, so two concurrent arrivals cannot both claim it).
 */
export async function claimWebhookDelivery(db: Db, tenantId: string, webhookId: string): Promise<boolean> {
  const inserted = await db
    .insert(webhookDeliveries)
    .values({ tenantId, webhookId, outcome: "processing", status: 202, documents: [] })
    .onConflictDoNothing()
    .returning({ seq: webhookDeliveries.seq });
  return inserted.length > 0;
}

export function findWebhookDelivery(db: Db, tenantId: string, webhookId: string) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.webhookId, webhookId)))
    .get();
}

export async function finishWebhookDelivery(
  db: Db,
  tenantId: string,
  webhookId: string,
  result: { outcome: "accepted" | "rejected"; status: number; documents: DeliveredDocument[]; error: string | null },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set(result)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.webhookId, webhookId)));
}

/** Forgets a claim whose processing failed on our side, so the sender's retry is processed again. */
export async function releaseWebhookDelivery(db: Db, tenantId: string, webhookId: string): Promise<void> {
  await db
    .delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.webhookId, webhookId)));
}

/** A tenant's deliveries, newest first, a page at a time. */
export function listWebhookDeliveries(
  db: Db,
  tenantId: string,
  page: { before?: number; limit: number },
): Promise<WebhookDeliveryRow[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(
      and(eq(webhookDeliveries.tenantId, tenantId), page.before ? lt(webhookDeliveries.seq, page.before) : undefined),
    )
    .orderBy(desc(webhookDeliveries.seq))
    .limit(page.limit);
}
