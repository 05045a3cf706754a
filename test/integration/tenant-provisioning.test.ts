import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { signToken } from "../../worker/auth/token";
import { uniqueTenant } from "../support/api";

// A deployment as production runs it: no development tokens, tokens signed by whoever holds AUTH_SECRET.
async function callDeployment(
  vars: Record<string, string>,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  const context = createExecutionContext();
  const response = await app.fetch(
    new Request(`https://rag.test${path}`, { ...init, headers }),
    { ...env, DEV_AUTH: "false", ...vars },
    context,
  );
  await waitOnExecutionContext(context);
  return response;
}

function tokenFor(tenantId: string, role: "admin" | "member", subject = `${role}@${tenantId}`): Promise<string> {
  return signToken({ tenantId, role, subject }, env.AUTH_SECRET, 600);
}

function upload(token: string, vars: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  form.append(
    "file",
    new File(["# Leave\n\nTwenty-five days of leave a year."], "leave.md", { type: "text/markdown" }),
  );
  return callDeployment(vars, "/api/documents", { method: "POST", body: form, token });
}

describe("tenants in production (DEV_AUTH off)", () => {
  it("has no development tokens", async () => {
    const response = await callDeployment({}, "/api/dev/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ role: "admin", tenant: "demo" }),
    });
    expect(response.status).toBe(404);
  });

  it("creates the tenant a verified token names on its first request, so writes succeed", async () => {
    const tenant = uniqueTenant();
    const admin = await tokenFor(tenant, "admin");
    const uploaded = await upload(admin);
    expect(uploaded.status).toBe(202);

    const read = await callDeployment({}, "/api/tenant", { token: await tokenFor(tenant, "member") });
    expect(read.status).toBe(200);
    const { tenant: view, caller } = await read.json<{
      tenant: { id: string; name: string };
      caller: { role: string; groups: string[] };
    }>();
    expect(view).toMatchObject({ id: tenant, name: tenant });
    expect(caller).toMatchObject({ role: "member", groups: [] });

    // A member's first request creates nothing twice and may start a conversation (a write to the index too).
    const question = await callDeployment({}, "/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        id: "first",
        message: { id: "m1", role: "user", parts: [{ type: "text", text: "How much leave?" }] },
      }),
      token: await tokenFor(uniqueTenant(), "member"),
    });
    expect(question.status).toBe(200);
    await question.text();
  });

  it("with explicit provisioning, refuses an unknown tenant until an admin creates it", async () => {
    const explicit = { TENANT_PROVISIONING: "explicit" };
    const tenant = uniqueTenant();
    const admin = await tokenFor(tenant, "admin");

    const refused = await upload(admin, explicit);
    expect(refused.status).toBe(403);
    const { error } = await refused.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe("forbidden");
    expect(error.message).toContain(`npm run tenant -- create ${tenant}`);

    const member = await tokenFor(tenant, "member");
    const memberCreate = await callDeployment(explicit, "/api/tenant", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Acme" }),
      token: member,
    });
    expect(memberCreate.status).toBe(403);

    const created = await callDeployment(explicit, "/api/tenant", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Acme Corporation" }),
      token: admin,
    });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ tenant: { id: tenant, name: "Acme Corporation" } });

    expect((await upload(admin, explicit)).status).toBe(202);
    const read = await callDeployment(explicit, "/api/tenant", { token: member });
    expect(await read.json()).toMatchObject({ tenant: { id: tenant, name: "Acme Corporation" } });
  });

  it("renames a tenant and validates the name", async () => {
    const tenant = uniqueTenant();
    const admin = await tokenFor(tenant, "admin");
    const put = (name: string) =>
      callDeployment({}, "/api/tenant", {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name }),
        token: admin,
      });
    expect((await put("First")).status).toBe(200);
    expect(await (await put("Second")).json()).toMatchObject({ tenant: { name: "Second" } });
    expect((await put("   ")).status).toBe(400);
    expect((await put("x".repeat(201))).status).toBe(400);
  });
});
