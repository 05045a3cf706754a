import type { Role } from "../worker/contract.ts";
import { type ApiClient, type ApiClientOptions, createApiClient, readBody } from "./api-client.ts";

/** A signed development token for `role` in `tenant` (created if new); only a server with DEV_AUTH issues them. */
export async function requestDevToken(api: ApiClient, role: Role, tenant: string): Promise<string> {
  return (await readBody(api.dev.token.$post({ json: { role, tenant } }))).token;
}

/** A client signed in with a development token for `role` in `tenant`, and the token (e.g. for a browser page). */
export async function connectWithDevToken(
  options: Omit<ApiClientOptions, "token">,
  role: Role,
  tenant: string,
): Promise<{ api: ApiClient; token: string }> {
  const token = await requestDevToken(createApiClient(options), role, tenant);
  return { api: createApiClient({ ...options, token }), token };
}
