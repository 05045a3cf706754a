import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { audited, idFromParam, idFromResponse, recordAudit } from "../audit/audited";
import { addressRateLimit, rateLimit } from "../auth/rate-limit";
import { requireRole } from "../auth/require-role";
import { newWebhookSecret, verifyWebhook } from "../auth/webhook-signature";
import {
  rotateWebhookSecretSchema,
  tenantSlugSchema,
  type WebhookDeliveryView,
  type WebhookSecretView,
  webhookDeliverySchema,
} from "../contract";
import {
  acceptedWebhookSecrets,
  claimWebhookDelivery,
  findWebhookDelivery,
  finishWebhookDelivery,
  listWebhookDeliveries,
  listWebhookSecrets,
  releaseWebhookDelivery,
  revokeWebhookSecret,
  rotateWebhookSecret,
  type WebhookDeliveryRow,
  type WebhookSecretRow,
} from "../db/webhooks";
import { applyWebhookDelivery } from "../ingest/apply-webhook-delivery";
import { AppError, notFound } from "../lib/app-error";
import { limitBody } from "../lib/body-limit";
import { describeIssues } from "../lib/describe-issues";
import { formatMegabytes } from "../lib/format-megabytes";
import { newId } from "../lib/ids";
import { validate } from "../lib/validate";

// Standard Webhooks: a delivery older or newer than this is refused, which bounds how long a captured one can be
// replayed; within it, the delivery log refuses a second use of the same id.
const timestampToleranceSeconds = 5 * 60;
// Room for the JSON around the documents' texts.
const envelopeBytes = 64 * 1024;

const deliveryHeadersSchema = z.object({
  "webhook-id": z
    .string({ error: "Send the webhook-id header (Standard Webhooks)" })
    .regex(/^[\x21-\x7e]{1,256}$/, "webhook-id must be 1-256 printable characters"),
  "webhook-timestamp": z
    .string({ error: "Send the webhook-timestamp header (Standard Webhooks)" })
    .regex(/^\d{1,12}$/, "webhook-timestamp must be seconds since the epoch"),
  "webhook-signature": z.string({ error: "Send the webhook-signature header (Standard Webhooks)" }).min(1).max(4096),
});
const deliveryQuerySchema = z.object({ tenant: tenantSlugSchema });
const pageQuerySchema = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const secretIdSchema = z.object({ id: z.string().min(1).max(64) });

function toSecretView(row: WebhookSecretRow): WebhookSecretView {
  return { id: row.id, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt?.toISOString() ?? null };
}

function toDeliveryView(row: WebhookDeliveryRow): WebhookDeliveryView {
  return {
    id: row.seq,
    webhookId: row.webhookId,
    receivedAt: row.receivedAt.toISOString(),
    outcome: row.outcome,
    status: row.status,
    documents: row.documents,
    error: row.error,
  };
}

/**
 * Pushes from other systems: `POST /ingest?tenant=<slug>` takes a delivery signed with the Standard Webhooks scheme
 * and a secret of that tenant; admins create and rotate the secrets and read the delivery log.
 */
export const webhookRoutes = new Hono<AppEnv>()
  .post(
    "/ingest",
    addressRateLimit,
    validate("query", deliveryQuerySchema),
    rateLimit(
      "INGEST_RATE_LIMITER",
      (c) => `webhook/${c.req.query("tenant")}`,
      "Too many deliveries for this tenant in a short time; try again in a minute, or send larger deliveries",
    ),
    validate("header", deliveryHeadersSchema),
    limitBody<AppEnv>(
      (c) => c.var.services.config.maxUploadBytes + envelopeBytes,
      (maxBytes) => `A delivery is limited to ${formatMegabytes(maxBytes)}; send its documents in several deliveries`,
    ),
    async (c) => {
      const { tenant } = c.req.valid("query");
      const headers = c.req.valid("header");
      const webhookId = headers["webhook-id"];
      const { db } = c.var.services;
      const now = new Date();
      const skew = Math.abs(now.getTime() / 1000 - Number(headers["webhook-timestamp"]));
      if (skew > timestampToleranceSeconds) {
        throw new AppError(
          "unauthorized",
          "The webhook-timestamp is more than 5 minutes away from now: sign each delivery when you send it",
        );
      }
      const body = await c.req.text();
      const secrets = await acceptedWebhookSecrets(db, tenant, now);
      if (
        !verifyWebhook(
          body,
          headers,
          secrets.map((secret) => secret.secret),
        )
      ) {
        throw new AppError("unauthorized", "The webhook-signature matches none of the tenant's webhook secrets");
      }

      if (!(await claimWebhookDelivery(db, tenant, webhookId))) {
        const earlier = await findWebhookDelivery(db, tenant, webhookId);
        return c.json({ duplicate: true, delivery: earlier ? toDeliveryView(earlier) : null }, 200);
      }
      const principal = { tenantId: tenant, role: "ingest" as const, subject: "webhook", groups: [] };
      try {
        const parsed = webhookDeliverySchema.safeParse(parseJson(body));
        if (!parsed.success) throw new AppError("invalid_request", describeIssues(parsed.error));
        const documents = await applyWebhookDelivery(c.var.services, {
          tenantId: tenant,
          delivery: parsed.data,
          maxBytes: c.var.services.config.maxUploadBytes,
        });
        await finishWebhookDelivery(db, tenant, webhookId, {
          outcome: "accepted",
          status: 202,
          documents,
          error: null,
        });
        recordAudit(c, principal, {
          action: "webhook.deliver",
          targetType: "delivery",
          targetId: webhookId,
          status: 202,
        });
        const delivery = await findWebhookDelivery(db, tenant, webhookId);
        return c.json({ duplicate: false, delivery: delivery ? toDeliveryView(delivery) : null }, 202);
      } catch (error) {
        if (error instanceof AppError && error.status < 500) {
          // The sender's mistake: recorded, and a retry with the same id gets the same answer.
          await finishWebhookDelivery(db, tenant, webhookId, {
            outcome: "rejected",
            status: error.status,
            documents: [],
            error: error.message,
          });
          recordAudit(c, principal, {
            action: "webhook.deliver",
            targetType: "delivery",
            targetId: webhookId,
            status: error.status,
          });
        } else {
          // Ours: forget the claim, so the sender's retry is processed.
          await releaseWebhookDelivery(db, tenant, webhookId);
        }
        throw error;
      }
    },
  )
  .get("/deliveries", requireRole("admin"), validate("query", pageQuerySchema), async (c) => {
    const page = c.req.valid("query");
    const rows = await listWebhookDeliveries(c.var.services.db, c.var.principal.tenantId, page);
    const last = rows.at(-1);
    return c.json({
      deliveries: rows.map(toDeliveryView),
      nextCursor: rows.length === page.limit && last ? last.seq : null,
    });
  })
  .get("/secrets", requireRole("admin"), async (c) => {
    const rows = await listWebhookSecrets(c.var.services.db, c.var.principal.tenantId);
    return c.json({ secrets: rows.map(toSecretView) });
  })
  .post(
    "/secrets",
    requireRole("admin"),
    audited("webhook-secret.rotate", { type: "webhook-secret", id: idFromResponse("secret", "id") }),
    validate("json", rotateWebhookSecretSchema),
    async (c) => {
      const { rolloverSeconds } = c.req.valid("json");
      const value = newWebhookSecret();
      const row = await rotateWebhookSecret(
        c.var.services.db,
        { id: newId(), tenantId: c.var.principal.tenantId, secret: value },
        new Date(Date.now() + rolloverSeconds * 1000),
      );
      return c.json({ secret: toSecretView(row), value }, 201);
    },
  )
  .delete(
    "/secrets/:id",
    requireRole("admin"),
    audited("webhook-secret.revoke", { type: "webhook-secret", id: idFromParam }),
    validate("param", secretIdSchema),
    async (c) => {
      const row = await revokeWebhookSecret(
        c.var.services.db,
        c.var.principal.tenantId,
        c.req.valid("param").id,
        new Date(),
      );
      if (!row || row.tenantId !== c.var.principal.tenantId) throw notFound("Webhook secret");
      return c.json({ secret: toSecretView(row) });
    },
  );

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The delivery body is not valid JSON");
  }
}
