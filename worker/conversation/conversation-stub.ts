/** The Durable Object of one tenant's conversation; the tenant in the name keeps tenants apart. */
export function conversationStub(namespace: Env["CONVERSATIONS"], tenantId: string, conversationId: string) {
  return namespace.getByName(`${tenantId}/${conversationId}`);
}
