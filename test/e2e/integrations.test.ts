/**
 * An integration's first day, against the real app served as `npm start` serves it: an admin creates a webhook
 * secret and an `ingest` API key through the API; one document arrives in a signed delivery (signed as the README
 * shows, with node:crypto), another in a batch sent with the key; a member's questions are answered from both.
 * Runs in Node (not in workerd).
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { readStream, streamedText } from "../../client/answer-stream.ts";
import { type ApiClient, createApiClient, readBody } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { listAllDocuments } from "../../client/list-documents.ts";
import { type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";

let server: RunningServer | undefined;

beforeAll(async () => {
  server = await startServer({}, { waitForSamples: false });
}, startupTimeoutMs + 30_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

/** A client of the server: signed in with `token`, or as `role` with a development token for `tenant`. */
async function client(identity: { token: string } | { role: "admin" | "member"; tenant: string }): Promise<ApiClient> {
  const baseUrl = server?.baseUrl ?? "";
  if ("token" in identity) return createApiClient({ baseUrl, token: identity.token });
  return (await connectWithDevToken({ baseUrl }, identity.role, identity.tenant)).api;
}

/** Signs a delivery with the Standard Webhooks scheme: HMAC-SHA256 of `id.timestamp.body` under the secret's bytes. */
function signedDelivery(secret: string, body: string) {
  const id = `msg_${randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

describe("an integration pushes documents", () => {
  test("through a signed webhook and with an ingest API key, and both answer questions", async () => {
    if (!server) throw new Error("the server did not start");
    const tenant = `acme-${Date.now().toString(36)}`;
    const admin = await client({ role: "admin", tenant });

    const { value: secret } = z
      .object({ value: z.string().startsWith("whsec_") })
      .parse(await readBody(admin.webhooks.secrets.$post({ json: {} })));
    const { secret: apiKey } = z
      .object({ secret: z.string().startsWith("rag_") })
      .parse(await readBody(admin.keys.$post({ json: { name: "cms", role: "ingest" } })));

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

    const integration = await client({ token: apiKey });
    await readBody(
      integration.documents.batch.$post({
        json: {
          documents: [
            {
              externalId: "laptops",
              title: "Laptops",
              text: "# Laptops\n\nEvery new hire receives a laptop on the first morning.",
            },
          ],
        },
      }),
    );
    // The ingest key may submit but not read the library or chat.
    const listing = await integration.documents.$get({ query: {} });
    expect(listing.status).toBe(403);

    await expect
      .poll(
        async () =>
          (await listAllDocuments(admin)).map((document) => `${document.externalId}:${document.status}`).sort(),
        { timeout: 60_000, interval: 250 },
      )
      .toEqual(["expenses:ready", "laptops:ready"]);

    const member = await client({ role: "member", tenant });
    // The answer's text: the text deltas of its SSE stream, joined.
    const ask = async (question: string) => {
      const answer = await member.chat.$post({
        json: {
          id: `c-${randomUUID().slice(0, 8)}`,
          message: { id: "q1", role: "user", parts: [{ type: "text", text: question }] },
        },
      });
      expect(answer.status, `/api/chat: ${answer.status}`).toBeLessThan(300);
      return streamedText((await readStream(answer)).events);
    };
    expect(await ask("When are expense reports filed?")).toContain("thirty days");
    expect(await ask("When does a new hire receive a laptop?")).toContain("first morning");
  });
});
