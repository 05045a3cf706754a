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
import { z } from "zod";
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

const tenantResponseSchema = z.object({
  tenant: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }),
});
const errorResponseSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const baseUrl = values.url.replace(/\/$/, "");
const token = values.token ?? process.env.RAG_TOKEN ?? (await signedToken(tenant.data));
const response = await fetch(`${baseUrl}/api/tenant`, {
  method: command === "create" ? "PUT" : "GET",
  headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
  body: command === "create" ? JSON.stringify({ name: values.name ?? tenant.data }) : undefined,
}).catch((error: unknown) => {
  console.error(`Cannot reach ${baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const body: unknown = await response.json().catch(() => null);
const failure = errorResponseSchema.safeParse(body);
if (!response.ok || failure.success) {
  console.error(
    `${command} failed (${response.status}): ${failure.success ? failure.data.error.message : "no error body"}`,
  );
  process.exit(1);
}
const { tenant: saved } = tenantResponseSchema.parse(body);
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
