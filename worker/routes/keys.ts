import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { audited, idFromParam, idFromResponse } from "../audit/audited";
import { displayPrefix, generateApiKey } from "../auth/api-key-secret";
import { requireRole } from "../auth/require-role";
import { type ApiKeyView, createApiKeySchema } from "../contract";
import { type ApiKeyRow, countActiveApiKeys, insertApiKey, listApiKeys, revokeApiKey } from "../db/api-keys";
import { AppError, notFound } from "../lib/app-error";
import { validate } from "../lib/validate";

// Enough for every integration of an organisation; past it, unused keys should be revoked rather than piled up.
const maxActiveKeys = 200;
const keyIdSchema = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, "id must be a key id (16 hex characters)") });

function toApiKeyView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    groups: row.groups,
    prefix: displayPrefix(row.id),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API keys for integrations (admins only): created with a role, shown once, stored as a hash, revoked at once. A key
 * works wherever a bearer token does.
 */
export const keyRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .get("/", async (c) => {
    const rows = await listApiKeys(c.var.services.db, c.var.principal.tenantId, maxActiveKeys * 2);
    return c.json({ keys: rows.map(toApiKeyView) });
  })
  .post(
    "/",
    audited("key.create", { type: "key", id: idFromResponse("key", "id") }),
    validate("json", createApiKeySchema),
    async (c) => {
      const { name, role, groups } = c.req.valid("json");
      const { tenantId, subject } = c.var.principal;
      const { db } = c.var.services;
      if ((await countActiveApiKeys(db, tenantId)) >= maxActiveKeys) {
        throw new AppError("conflict", `A tenant may have ${maxActiveKeys} active API keys; revoke unused ones first`);
      }
      const generated = await generateApiKey();
      const row = await insertApiKey(db, {
        id: generated.id,
        tenantId,
        name,
        role,
        groups,
        secretHash: generated.secretHash,
        createdBy: subject,
      });
      return c.json({ key: toApiKeyView(row), secret: generated.key }, 201);
    },
  )
  .delete(
    "/:id",
    audited("key.revoke", { type: "key", id: idFromParam }),
    validate("param", keyIdSchema),
    async (c) => {
      const row = await revokeApiKey(c.var.services.db, c.var.principal.tenantId, c.req.valid("param").id, new Date());
      if (!row) throw notFound("API key");
      return c.json({ key: toApiKeyView(row) });
    },
  );
