/**
 * An integration's first day, against the real app served as `npm start` serves it: an admin creates a webhook
 * secret and an `ingest` API key through the API; one document arrives in a signed delivery (signed as the README
 * shows, with node:crypto), another in a batch sent with the key; a member's questions are answered from both.
 * Runs in Node (not in workerd).
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";

let server: RunningServer | undefined;

beforeAll(async () => {
  server = await startServer({}, { waitForSamples: false });
}, startupTimeoutMs + 30_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

async function send(path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<unknown> {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  const response = await fetch(new URL(path, server?.baseUrl), {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  const text = await response.text();
  expect(response.status, `${path}: ${text}`).toBeLessThan(300);
  return text.startsWith("{") ? JSON.parse(text) : text;
}

async function devToken(role: "admin" | "member", tenant: string): Promise<string> {
  return z.object({ token: z.string() }).parse(await send("/api/dev/token", { body: { role, tenant } })).token;
}

/** Signs a delivery with the Standard Webhooks scheme: HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. */
function signedDelivery(secret: string, body: string) {
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

const documentsSchema = z.object({
  documents: z.array(z.object({ externalId: z.string().nullable(), status: z.string() })),
});

const textDeltaSchema = z.object({ type: z.literal("text-delta"), delta: z.string() });

describe("an integration pushes documents", () => {
  test("through a signed webhook and with an ingest API key, and both answer questions", async () => {
    if (!server) throw new Error("the server did not start");
    const tenant = `acme-${Date.now().toString(36)}`;
    const admin = await devToken("admin", tenant);

    const { value: secret } = z
      .object({ value: z.string().startsWith("whsec_") })
      .parse(await send("/api/webhooks/secrets", { token: admin, body: {} }));
    const { secret: apiKey } = z
      .object({ secret: z.string().startsWith("rag_") })
      .parse(await send("/api/keys", { token: admin, body: { name: "cms", role: "ingest" } }));

    const delivery = JSON.stringify({
      documents: [
        {
          externalId: "expenses",
          title: "Expenses",
          text: "# Expenses\n\nExpense reports are filed within thirty days of the trip.",
        },
      ],
    });
    const pushed = await fetch(new URL(`/api/webhooks/ingest?tenant=${tenant}`, server.baseUrl), {
      method: "POST",
      headers: { "Content-Type": "application/json", ...signedDelivery(secret, delivery) },
      body: delivery,
    });
    expect(pushed.status).toBe(202);

    await send("/api/documents/batch", {
      token: apiKey,
      body: {
        documents: [
          {
            externalId: "laptops",
            title: "Laptops",
            text: "# Laptops\n\nEvery new hire receives a laptop on the first morning.",
          },
        ],
      },
    });
    // The ingest key may submit but not read the library or chat.
    const listing = await fetch(new URL("/api/documents", server.baseUrl), {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    expect(listing.status).toBe(403);

    await expect
      .poll(
        async () =>
          documentsSchema
            .parse(await send("/api/documents", { token: admin }))
            .documents.map((document) => `${document.externalId}:${document.status}`)
            .sort(),
        { timeout: 60_000, interval: 250 },
      )
      .toEqual(["expenses:ready", "laptops:ready"]);

    const member = await devToken("member", tenant);
    // The answer's text: the text deltas of its SSE stream, joined.
    const ask = async (question: string) => {
      const stream = String(
        await send("/api/chat", {
          token: member,
          body: {
            id: `c-${randomUUID().slice(0, 8)}`,
            message: { id: "q1", role: "user", parts: [{ type: "text", text: question }] },
          },
        }),
      );
      return stream
        .split("\n")
        .filter((line) => line.startsWith("data: {"))
        .map((line) => textDeltaSchema.safeParse(JSON.parse(line.slice("data: ".length))))
        .map((event) => (event.success ? event.data.delta : ""))
        .join("");
    };
    expect(await ask("When are expense reports filed?")).toContain("thirty days");
    expect(await ask("When does a new hire receive a laptop?")).toContain("first morning");
  });
});
