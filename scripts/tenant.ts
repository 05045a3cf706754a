/**
 * `npm run tenant -- create <tenant> [--name <display name>] [--url <worker>] [--token <admin token>]`
 * `npm run tenant -- show <tenant> [--url <worker>] [--token <token>]`
 *
 * Creates (or renames) a tenant on a deployment, e.g. one with `TENANT_PROVISIONING = "explicit"`, or shows it. The
 * call is made as an admin of that tenant: pass a token, or set `AUTH_SECRET` to the deployment's secret and a
 * five-minute token is signed here (HS256, subject `tenant-cli`).
 */
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";
import { createApiClient, readBody } from "../client/api-client.ts";
import { ApiError } from "../client/api-error.ts";
import { tenantSlugSchema } from "../worker/contract.ts";

const usage =
  "usage: npm run tenant -- create <tenant> [--name <name>] [--url <worker>] [--token <token>]\n" +
  "       npm run tenant -- show <tenant> [--url <worker>] [--token <token>]";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: "http://localhost:8787" },
    name: { type: "string" },
    token: { type: "string" },
  },
});

const [command, tenantArgument] = positionals;
const tenant = tenantSlugSchema.safeParse(tenantArgument);
if ((command !== "create" && command !== "show") || !tenant.success) {
  console.error(tenant.success || tenantArgument === undefined ? usage : tenant.error.issues[0]?.message);
  process.exit(2);
}

const baseUrl = values.url.replace(/\/$/, "");
const token = values.token ?? process.env.RAG_TOKEN ?? (await signedToken(tenant.data));
const api = createApiClient({ baseUrl, token });
const answer =
  command === "create"
    ? readBody(api.tenant.$put({ json: { name: values.name ?? tenant.data } }))
    : readBody(api.tenant.$get());
const { tenant: saved } = await answer.catch((error: unknown) => {
  if (error instanceof ApiError) console.error(`${command} failed (${error.status}): ${error.message}`);
  else console.error(`Cannot reach ${baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
console.log(
  `${command === "create" ? "Saved" : "Found"} tenant ${saved.id} ("${saved.name}"), created ${saved.createdAt}.`,
);

async function signedToken(tenantId: string): Promise<string> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) {
    console.error("Pass --token (or set RAG_TOKEN) to an admin token of the tenant, or set AUTH_SECRET to sign one.");
    process.exit(2);
  }
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: "tenant-cli", tenant: tenantId, role: "admin", iat: now, exp: now + 300 }, secret, "HS256");
}
