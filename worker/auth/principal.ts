import { z } from "zod";
import { groupListSchema, type Role, roleSchema, tenantSlugSchema } from "../contract";

/** Who is calling: one tenant, one role, the user (or key) and the groups the identity provider put them in. */
export interface Principal {
  tenantId: string;
  role: Role;
  subject: string;
  groups: readonly string[];
}

/** Which claims of a token carry what, and what to assume when one is absent (`JWT_*` vars). */
export interface ClaimMapping {
  tenantClaim: string;
  roleClaim: string;
  subjectClaim: string;
  groupsClaim: string;
  /** The tenant of tokens that name none (e.g. every Cloudflare Access user of one organisation); null: refused. */
  defaultTenant: string | null;
  /** Groups whose members are admins when the token names no role; everyone else is a member. */
  adminGroups: readonly string[];
}

// Claims become storage and rate-limit keys, so each is bounded: a 10,000-character subject is refused, not stored.
const subjectSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((subject) => !/\p{Cc}/u.test(subject), "the subject must not contain control characters");

/**
 * The principal a verified token's claims describe, or null when they do not describe one within bounds: no subject,
 * an unknown role, no tenant (and no default), too many or too long groups.
 */
export function principalFromClaims(claims: Record<string, unknown>, mapping: ClaimMapping): Principal | null {
  const subject = subjectSchema.safeParse(claims[mapping.subjectClaim]);
  const tenant = tenantSlugSchema.safeParse(claims[mapping.tenantClaim] ?? mapping.defaultTenant);
  const groupsClaim = claims[mapping.groupsClaim];
  const groups = groupListSchema.safeParse(groupsClaim ?? []);
  if (!subject.success || !tenant.success || !groups.success) return null;
  const namedRole = claims[mapping.roleClaim];
  const role = roleSchema.safeParse(namedRole);
  if (namedRole !== undefined && !role.success) return null;
  const isAdmin = groups.data.some((group) => mapping.adminGroups.includes(group));
  return {
    tenantId: tenant.data,
    role: role.success ? role.data : isAdmin ? "admin" : "member",
    subject: subject.data,
    groups: groups.data,
  };
}
