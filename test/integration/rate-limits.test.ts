import { describe, expect, it } from "vitest";
import { call, devToken, postJson, uniqueTenant } from "../support/api";

/** Sends `count` requests at once and returns their statuses, in order. */
async function statuses(count: number, send: (index: number) => Promise<Response>): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: count }, (_, index) => send(index)));
  return Promise.all(
    responses.map(async (response) => {
      await response.body?.cancel();
      return response.status;
    }),
  );
}

function tally(codes: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const code of codes) counts[code] = (counts[code] ?? 0) + 1;
  return counts;
}

/**
 * Runs `attempt` (which takes fresh keys each time) and runs it again if it failed while the rate limiter's
 * 60-second window rolled over: local windows follow the wall clock, so a burst that crosses a minute is counted in
 * two windows. A failure within one window is a real failure.
 */
async function inOneWindow(attempt: () => Promise<void>): Promise<void> {
  for (let round = 1; ; round += 1) {
    const window = Math.floor(Date.now() / 60_000);
    try {
      return await attempt();
    } catch (error) {
      if (round === 3 || Math.floor(Date.now() / 60_000) === window) throw error;
    }
  }
}

let addressesUsed = 0;

/** An address no other attempt has used (from the documentation range). */
function freshAddress(): string {
  addressesUsed += 1;
  return `203.0.113.${addressesUsed}`;
}

async function expectRefusal(response: Response, message: RegExp): Promise<void> {
  expect(response.status).toBe(429);
  expect(response.headers.get("Retry-After")).toBe("60");
  expect(await response.json()).toEqual({ error: { code: "rate_limited", message: expect.stringMatching(message) } });
}

describe("rate limits (wrangler.toml [[ratelimits]], per 60 s)", () => {
  it("serves 300 searches a minute per user, then answers 429 with Retry-After; other users are served", async () => {
    await inOneWindow(async () => {
      const busy = await devToken("member", uniqueTenant());
      const search = (token: string) => postJson("/api/search", { query: "travel policy" }, token);
      expect(tally(await statuses(300, () => search(busy)))).toEqual({ 200: 300 });
      await expectRefusal(await search(busy), /Too many searches/);
      expect((await search(await devToken("member", uniqueTenant()))).status).toBe(200);
    });
  });

  it("counts every expensive request of one address, before authentication, up to 1,200 a minute", async () => {
    await inOneWindow(async () => {
      const fromAddress = (address: string) =>
        call("/api/search", {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": address },
          body: JSON.stringify({ query: "anything" }),
        });
      const busy = freshAddress();
      expect(tally(await statuses(1200, () => fromAddress(busy)))).toEqual({ 401: 1200 });
      await expectRefusal(await fromAddress(busy), /from your network/);
      expect((await fromAddress(freshAddress())).status).toBe(401);
    });
  });

  it("takes 600 submissions a minute per user, then refuses uploads, batches and new multipart uploads", async () => {
    await inOneWindow(async () => {
      const admin = await devToken("admin", uniqueTenant());
      // An empty batch is refused by validation, after the rate limit has counted it.
      expect(tally(await statuses(600, () => postJson("/api/documents/batch", {}, admin)))).toEqual({ 400: 600 });
      await expectRefusal(await postJson("/api/documents/batch", {}, admin), /Too many documents submitted/);
      await expectRefusal(
        await call("/api/documents", { method: "POST", body: new FormData(), token: admin }),
        /Too many documents submitted/,
      );
      await expectRefusal(
        await postJson("/api/uploads", { filename: "a.md", size: 10, contentType: "text/markdown" }, admin),
        /Too many documents submitted/,
      );
    });
  });

  it("takes 600 webhook deliveries a minute per tenant, signed or not", async () => {
    await inOneWindow(async () => {
      const tenant = uniqueTenant();
      const deliver = () => call(`/api/webhooks/ingest?tenant=${tenant}`, { method: "POST", body: "{}" });
      expect(tally(await statuses(600, deliver))).toEqual({ 400: 600 });
      await expectRefusal(await deliver(), /Too many deliveries for this tenant/);
    });
  });
});
