import { sign, verify } from "hono/jwt";
import { z } from "zod";
import { type Role, roleSchema, tenantSlugSchema } from "../contract";

/** Who is calling: one tenant, one role. */
export interface Principal {
  tenantId: string;
  role: Role;
  subject: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  tenant: tenantSlugSchema,
  role: roleSchema,
  exp: z.number(),
});

/** Signs an HS256 JWT carrying the principal's tenant and role. */
export async function signToken(principal: Principal, secret: string, ttlSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { sub: principal.subject, tenant: principal.tenantId, role: principal.role, iat: now, exp: now + ttlSeconds },
    secret,
    "HS256",
  );
}

/** Verifies signature, expiry and claims; returns null for any invalid token. */
export async function verifyToken(token: string, secret: string): Promise<Principal | null> {
  try {
    const claims = claimsSchema.safeParse(await verify(token, secret, "HS256"));
    if (!claims.success) return null;
    return { tenantId: claims.data.tenant, role: claims.data.role, subject: claims.data.sub };
  } catch {
    return null;
  }
}
