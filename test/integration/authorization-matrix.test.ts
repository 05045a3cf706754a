import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import { signToken } from "../../worker/auth/token";
import type { DocumentView } from "../../worker/contract";
import { uniqueTenant } from "../support/api";

/**
 * Every route of the API × every kind of caller, with the exact status each gets. Requests are chosen to succeed or
 * fail harmlessly once authorization has let them through (unknown ids answer 404, invalid bodies 400), so the status
 * says what authorization decided. A route without a row fails the first test: new routes must be added here.
 */

const callers = [
  "anonymous",
  "member of A",
  "member of A in group G",
  "admin of A",
  "admin of B",
  "admin key of A",
  "member key of A",
  "ingest key of A",
  "revoked key",
  "expired token",
  "wrong signature",
  "alg none",
  "JWKS token, wrong audience",
  "JWKS member of A",
] as const;
type Caller = (typeof callers)[number];
type Statuses = Map<Caller, number>;

// Callers whose credentials are refused, whatever the route: 401.
const refused: Caller[] = [
  "anonymous",
  "revoked key",
  "expired token",
  "wrong signature",
  "alg none",
  "JWKS token, wrong audience",
];
const admins: Caller[] = ["admin of A", "admin of B", "admin key of A"];
const members: Caller[] = ["member of A", "member of A in group G", "member key of A", "JWKS member of A"];
const ingestKey: Caller = "ingest key of A";

type Overrides = Partial<Record<Caller, number>>;

function statuses(assign: (caller: Caller) => number, overrides: Overrides = {}): Statuses {
  return new Map(callers.map((caller) => [caller, overrides[caller] ?? assign(caller)]));
}

/** The statuses of a route that needs `role`: `allowed` for callers with it, 403 for the others, 401 for no identity. */
function needs(role: "member" | "admin" | "ingest", allowed: number, overrides: Overrides = {}): Statuses {
  const allows = (caller: Caller) =>
    admins.includes(caller) ||
    (role === "member" && members.includes(caller)) ||
    (role === "ingest" && caller === ingestKey);
  return statuses((caller) => (refused.includes(caller) ? 401 : allows(caller) ? allowed : 403), overrides);
}

const everyone = (status: number) => statuses(() => status);

interface Probe {
  path: string;
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

interface Row {
  probe: (fixture: Fixture) => Probe;
  expected: Statuses;
}

interface Fixture {
  tenantA: string;
  documentOfA: string;
  conversationOfMemberA: string;
}

const unknownId = "matrix-unknown-id";

const rows: Record<string, Row> = {
  "GET /api/health": { probe: () => ({ path: "/api/health" }), expected: everyone(200) },
  // Local only (DEV_AUTH); it hands out tokens to anyone who asks, which is why production turns it off.
  "POST /api/dev/token": {
    probe: ({ tenantA }) => ({ path: "/api/dev/token", method: "POST", json: { role: "member", tenant: tenantA } }),
    expected: everyone(200),
  },
  "GET /api/tenant": { probe: () => ({ path: "/api/tenant" }), expected: needs("member", 200) },
  "PUT /api/tenant": {
    probe: () => ({ path: "/api/tenant", method: "PUT", json: { name: "" } }),
    expected: needs("admin", 400),
  },
  "GET /api/keys": { probe: () => ({ path: "/api/keys" }), expected: needs("admin", 200) },
  "POST /api/keys": { probe: () => ({ path: "/api/keys", method: "POST", json: {} }), expected: needs("admin", 400) },
  "DELETE /api/keys/:id": {
    probe: () => ({ path: "/api/keys/0000000000000000", method: "DELETE" }),
    expected: needs("admin", 404),
  },
  "GET /api/usage": { probe: () => ({ path: "/api/usage" }), expected: needs("admin", 200) },
  "PUT /api/usage/budget": {
    probe: () => ({ path: "/api/usage/budget", method: "PUT", json: {} }),
    expected: needs("admin", 400),
  },
  "GET /api/audit": { probe: () => ({ path: "/api/audit" }), expected: needs("admin", 200) },
  // Signed deliveries only: no bearer token, an admin's included, stands in for the signature.
  "POST /api/webhooks/ingest": {
    probe: ({ tenantA }) => ({
      path: `/api/webhooks/ingest?tenant=${tenantA}`,
      method: "POST",
      json: { deletes: ["x"] },
      headers: {
        "webhook-id": `msg_${crypto.randomUUID()}`,
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": `v1,${btoa("not a signature")}`,
      },
    }),
    expected: everyone(401),
  },
  "GET /api/webhooks/deliveries": {
    probe: () => ({ path: "/api/webhooks/deliveries" }),
    expected: needs("admin", 200),
  },
  "GET /api/webhooks/secrets": { probe: () => ({ path: "/api/webhooks/secrets" }), expected: needs("admin", 200) },
  "POST /api/webhooks/secrets": {
    probe: () => ({ path: "/api/webhooks/secrets", method: "POST", json: { rolloverSeconds: -1 } }),
    expected: needs("admin", 400),
  },
  "DELETE /api/webhooks/secrets/:id": {
    probe: () => ({ path: `/api/webhooks/secrets/${unknownId}`, method: "DELETE" }),
    expected: needs("admin", 404),
  },
  "GET /api/sources": { probe: () => ({ path: "/api/sources" }), expected: needs("admin", 200) },
  "POST /api/sources": {
    probe: () => ({ path: "/api/sources", method: "POST", json: { kind: "page" } }),
    expected: needs("admin", 400),
  },
  "GET /api/sources/:id": { probe: () => ({ path: `/api/sources/${unknownId}` }), expected: needs("admin", 404) },
  "DELETE /api/sources/:id": {
    probe: () => ({ path: `/api/sources/${unknownId}`, method: "DELETE" }),
    expected: needs("admin", 404),
  },
  "GET /api/sources/:id/syncs": {
    probe: () => ({ path: `/api/sources/${unknownId}/syncs` }),
    expected: needs("admin", 404),
  },
  "POST /api/sources/:id/sync": {
    probe: () => ({ path: `/api/sources/${unknownId}/sync`, method: "POST" }),
    expected: needs("admin", 404),
  },
  "POST /api/chat": { probe: () => ({ path: "/api/chat", method: "POST", json: {} }), expected: needs("member", 400) },
  // 204: no answer to resume; a conversation that is not the caller's looks the same as one that does not exist.
  "GET /api/chat/:id/stream": {
    probe: ({ conversationOfMemberA }) => ({ path: `/api/chat/${conversationOfMemberA}/stream` }),
    expected: needs("member", 204),
  },
  "POST /api/chat/:id/stop": {
    probe: ({ conversationOfMemberA }) => ({ path: `/api/chat/${conversationOfMemberA}/stop`, method: "POST" }),
    expected: needs("member", 404, { "member of A": 200 }),
  },
  "GET /api/conversations": { probe: () => ({ path: "/api/conversations" }), expected: needs("member", 200) },
  // Only its owner reads a conversation; admins of the tenant do not.
  "GET /api/conversations/:id": {
    probe: ({ conversationOfMemberA }) => ({ path: `/api/conversations/${conversationOfMemberA}` }),
    expected: needs("member", 404, { "member of A": 200 }),
  },
  "PATCH /api/conversations/:id": {
    probe: ({ conversationOfMemberA }) => ({
      path: `/api/conversations/${conversationOfMemberA}`,
      method: "PATCH",
      json: { title: "" },
    }),
    expected: needs("member", 400),
  },
  "PUT /api/conversations/:id/messages/:messageId/feedback": {
    probe: ({ conversationOfMemberA }) => ({
      path: `/api/conversations/${conversationOfMemberA}/messages/${unknownId}/feedback`,
      method: "PUT",
      json: { rating: "sideways" },
    }),
    expected: needs("member", 400),
  },
  // Every user's feedback in the tenant: admins only.
  "GET /api/feedback": { probe: () => ({ path: "/api/feedback" }), expected: needs("admin", 200) },
  "DELETE /api/conversations/:id": {
    probe: () => ({ path: `/api/conversations/${unknownId}`, method: "DELETE" }),
    expected: needs("member", 404),
  },
  "POST /api/search": {
    probe: () => ({ path: "/api/search", method: "POST", json: { query: "matrix" } }),
    expected: needs("member", 200),
  },
  "POST /api/documents": {
    probe: () => ({ path: "/api/documents", method: "POST", body: new FormData() }),
    expected: needs("ingest", 400),
  },
  "POST /api/documents/batch": {
    probe: () => ({ path: "/api/documents/batch", method: "POST", json: { documents: [] } }),
    expected: needs("ingest", 400),
  },
  "GET /api/documents": { probe: () => ({ path: "/api/documents" }), expected: needs("admin", 200) },
  "GET /api/documents/stats": { probe: () => ({ path: "/api/documents/stats" }), expected: needs("admin", 200) },
  "POST /api/documents/reembed": {
    probe: () => ({ path: "/api/documents/reembed", method: "POST" }),
    expected: needs("admin", 202),
  },
  // Tenant A's document: its admins see it, tenant B's admin finds nothing.
  "GET /api/documents/:id": {
    probe: ({ documentOfA }) => ({ path: `/api/documents/${documentOfA}` }),
    expected: needs("admin", 200, { "admin of B": 404 }),
  },
  // Members read the text of documents they may search; tenant B's admin finds nothing.
  "GET /api/documents/:id/chunks": {
    probe: ({ documentOfA }) => ({ path: `/api/documents/${documentOfA}/chunks` }),
    expected: needs("member", 200, { "admin of B": 404 }),
  },
  "PATCH /api/documents/:id": {
    probe: ({ documentOfA }) => ({ path: `/api/documents/${documentOfA}`, method: "PATCH", json: { title: "" } }),
    expected: needs("admin", 400),
  },
  "POST /api/documents/:id/reingest": {
    probe: () => ({ path: `/api/documents/${unknownId}/reingest`, method: "POST" }),
    expected: needs("admin", 404),
  },
  "DELETE /api/documents/:id": {
    probe: () => ({ path: `/api/documents/${unknownId}`, method: "DELETE" }),
    expected: needs("ingest", 404),
  },
  "GET /api/collections": { probe: () => ({ path: "/api/collections" }), expected: needs("admin", 200) },
  "PUT /api/collections/:name/access": {
    probe: () => ({ path: "/api/collections/matrix/access", method: "PUT", json: { readableBy: "everyone" } }),
    expected: needs("admin", 400),
  },
  "POST /api/uploads": {
    probe: () => ({ path: "/api/uploads", method: "POST", json: {} }),
    expected: needs("ingest", 400),
  },
  "PUT /api/uploads/:id/parts/:partNumber": {
    probe: () => ({
      path: `/api/uploads/${unknownId}/parts/1`,
      method: "PUT",
      body: new Uint8Array([1]),
      headers: { "Content-Type": "application/octet-stream" },
    }),
    expected: needs("ingest", 404),
  },
  "POST /api/uploads/:id/complete": {
    probe: () => ({ path: `/api/uploads/${unknownId}/complete`, method: "POST", json: { parts: [] } }),
    expected: needs("ingest", 400),
  },
  "DELETE /api/uploads/:id": {
    probe: () => ({ path: `/api/uploads/${unknownId}`, method: "DELETE" }),
    expected: needs("ingest", 404),
  },
};

// An identity provider publishing its keys; nothing leaves the machine.
const jwksUrl = "https://idp.test/.well-known/jwks.json";
const identityProvider = { JWT_JWKS_URL: jwksUrl, JWT_ISSUER: "https://idp.test/", JWT_AUDIENCE: "rag" };

async function send(probe: Probe, authorization: string | null): Promise<Response> {
  const headers = new Headers(probe.headers);
  if (authorization !== null) headers.set("Authorization", `Bearer ${authorization}`);
  if (probe.json !== undefined) headers.set("Content-Type", "application/json");
  const body = probe.json !== undefined ? JSON.stringify(probe.json) : probe.body;
  const request = new Request(`https://rag.test${probe.path}`, { method: probe.method ?? "GET", headers, body });
  const context = createExecutionContext();
  const response = await app.fetch(request, { ...env, ...identityProvider }, context);
  await waitOnExecutionContext(context);
  return response;
}

async function expectStatus(response: Response, status: number): Promise<Response> {
  if (response.status !== status) expect(await response.text(), `status ${response.status}`).toBe(status);
  return response;
}

function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replaceAll("=", "");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
}

describe("authorization matrix", () => {
  const credentials = new Map<Caller, string | null>();
  const fixture: Fixture = { tenantA: uniqueTenant(), documentOfA: "", conversationOfMemberA: "" };

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: "matrix", alg: "RS256" };
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      return url === jwksUrl ? Response.json({ keys: [publicJwk] }) : realFetch(input, init);
    });
    const providerToken = (claims: Record<string, unknown>, audience: string) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: "matrix" })
        .setIssuer(identityProvider.JWT_ISSUER)
        .setAudience(audience)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(privateKey);
    };

    const { tenantA } = fixture;
    const secret = env.AUTH_SECRET;
    const token = (subject: string, role: "admin" | "member", tenantId = tenantA, groups?: string[]) =>
      signToken({ tenantId, role, subject, ...(groups ? { groups } : {}) }, secret, 600);
    const adminA = await token("root", "admin");
    // The tenant exists before anyone but its admin calls.
    await expectStatus(await send({ path: "/api/tenant", method: "PUT", json: { name: "A" } }, adminA), 200);
    const createKey = async (role: string) => {
      const response = await send({ path: "/api/keys", method: "POST", json: { name: role, role } }, adminA);
      return (await (await expectStatus(response, 201)).json<{ key: { id: string }; secret: string }>()).secret;
    };
    const revoked = await send({ path: "/api/keys", method: "POST", json: { name: "old", role: "admin" } }, adminA);
    const revokedKey = await (await expectStatus(revoked, 201)).json<{ key: { id: string }; secret: string }>();
    await expectStatus(await send({ path: `/api/keys/${revokedKey.key.id}`, method: "DELETE" }, adminA), 200);

    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tenant: tenantA, role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("root")
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(secret));

    credentials.set("anonymous", null);
    credentials.set("member of A", await token("ada", "member"));
    credentials.set("member of A in group G", await token("grace", "member", tenantA, ["G"]));
    credentials.set("admin of A", adminA);
    credentials.set("admin of B", await token("root", "admin", uniqueTenant()));
    credentials.set("admin key of A", await createKey("admin"));
    credentials.set("member key of A", await createKey("member"));
    credentials.set("ingest key of A", await createKey("ingest"));
    credentials.set("revoked key", revokedKey.secret);
    credentials.set("expired token", expired);
    credentials.set(
      "wrong signature",
      await signToken({ tenantId: tenantA, role: "admin", subject: "root" }, "another-secret-entirely", 600),
    );
    credentials.set(
      "alg none",
      unsignedToken({ sub: "root", tenant: tenantA, role: "admin", iat: now, exp: now + 600 }),
    );
    credentials.set(
      "JWKS token, wrong audience",
      await providerToken({ sub: "root", tenant: tenantA, role: "admin" }, "another-app"),
    );
    credentials.set("JWKS member of A", await providerToken({ sub: "jo", tenant: tenantA, role: "member" }, "rag"));

    // Tenant A has a document, and member A a conversation with one answer.
    const batch = await send(
      {
        path: "/api/documents/batch",
        method: "POST",
        json: { documents: [{ externalId: "matrix", text: "# Matrix\n\nA document of tenant A." }] },
      },
      adminA,
    );
    const { documents } = await (await expectStatus(batch, 202)).json<{ documents: DocumentView[] }>();
    fixture.documentOfA = documents[0]?.id ?? "";
    fixture.conversationOfMemberA = `matrix-${crypto.randomUUID().slice(0, 8)}`;
    const question = {
      id: fixture.conversationOfMemberA,
      message: { id: "q1", role: "user", parts: [{ type: "text", text: "What is in the matrix?" }] },
    };
    const chat = await send(
      { path: "/api/chat", method: "POST", json: question },
      credentials.get("member of A") ?? null,
    );
    await (await expectStatus(chat, 200)).text();
  });

  afterAll(() => {
    vi.restoreAllMocks();
  });

  it("has a row for every route of the app", () => {
    const routes = new Set(
      app.routes.flatMap((route) => (route.method === "ALL" ? [] : [`${route.method} ${route.path}`])),
    );
    expect(
      [...routes].filter((route) => !(route in rows)),
      "routes without a row",
    ).toEqual([]);
    expect(
      Object.keys(rows).filter((route) => !routes.has(route)),
      "rows without a route",
    ).toEqual([]);
  });

  it("answers each caller of each route with exactly the expected status", async () => {
    // Compared as one table, so a failure shows every cell that differs.
    const actual: Record<string, Record<string, number>> = {};
    const expected: Record<string, Record<string, number>> = {};
    for (const [route, row] of Object.entries(rows)) {
      expected[route] = Object.fromEntries(row.expected);
      const observed: Record<string, number> = {};
      for (const caller of callers) {
        const response = await send(row.probe(fixture), credentials.get(caller) ?? null);
        observed[caller] = response.status;
        await response.body?.cancel();
      }
      actual[route] = observed;
    }
    expect(actual).toEqual(expected);
  });
});
