import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { audited } from "../audit/audited";
import { requireRole } from "../auth/require-role";
import { collectionAccessSchema, collectionSchema } from "../contract";
import { collectionViews, setCollectionAccess } from "../db/collections";
import { validate } from "../lib/validate";

const collectionParamSchema = z.object({ name: collectionSchema });

/**
 * Collections and who may read them (admins only). A collection is readable by the whole tenant until an admin
 * names the groups that may read it; search and chat then leave it out for everyone else.
 */
export const collectionRoutes = new Hono<AppEnv>()
  .use(requireRole("admin"))
  .get("/", async (c) => {
    return c.json({ collections: await collectionViews(c.var.services.db, c.var.principal.tenantId) });
  })
  .put(
    "/:name/access",
    audited("collection.access", { type: "collection", id: (c) => c.req.param("name") ?? null }),
    validate("param", collectionParamSchema),
    validate("json", collectionAccessSchema),
    async (c) => {
      const { name } = c.req.valid("param");
      const { readableBy } = c.req.valid("json");
      const { db } = c.var.services;
      const { tenantId, subject } = c.var.principal;
      await setCollectionAccess(db, { tenantId, name, readableBy, updatedBy: subject });
      const [collection] = await collectionViews(db, tenantId, name);
      return c.json({ collection });
    },
  );
