/**
 * The token that names a tenant in the `tenant` column of the full-text index (migration 0014 writes it with
 * `'t' || lower(hex(tenant_id)) || '0'`): the hex of the id's UTF-8 bytes between a letter and a digit, one word that
 * the tokenizer neither splits (ids contain '-') nor stems (the porter stemmer only rewrites words ending in a letter),
 * so no two tenants share it.
 */
export function fullTextTenantToken(tenantId: string): string {
  const hex = Array.from(new TextEncoder().encode(tenantId), (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `t${hex}0`;
}

/** The start of a MATCH expression that keeps a search within the tenant's rows: append the search, then ")". */
export function tenantMatchPrefix(tenantId: string): string {
  return `tenant : "${fullTextTenantToken(tenantId)}" AND (`;
}
