import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../../worker/contract";
import { upsertConversationIndex } from "../../worker/conversation/conversation-index";
import { createDb } from "../../worker/db/client";
import { call, devToken, uniqueTenant } from "../support/api";

interface ListPage {
  conversations: ConversationSummary[];
  nextCursor: string | null;
}

async function listPage(token: string, query: Record<string, string> = {}): Promise<ListPage> {
  const response = await call(`/api/conversations?${new URLSearchParams(query)}`, { token });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<ListPage>();
}

/** Every page of a listing, following `nextCursor`. */
async function listAll(token: string, query: Record<string, string> = {}): Promise<ListPage[]> {
  const pages = [await listPage(token, query)];
  for (let cursor = pages[0]?.nextCursor; cursor; cursor = pages.at(-1)?.nextCursor) {
    pages.push(await listPage(token, { ...query, before: cursor }));
  }
  return pages;
}

/** Conversations in the D1 index (what the list reads) titled `titles`, one minute apart, the last the newest. */
async function indexConversations(tenantId: string, owner: string, titles: string[], idPrefix = owner): Promise<void> {
  const db = createDb(env.DB);
  const start = Date.UTC(2026, 0, 1);
  for (const [index, title] of titles.entries()) {
    const at = new Date(start + index * 60_000);
    await upsertConversationIndex(db, {
      tenantId,
      conversationId: `${idPrefix}-${index}`,
      owner,
      title,
      messageCount: 2,
      createdAt: at,
      updatedAt: at,
    });
  }
}

describe("the conversation list", () => {
  it("pages past 50 with a cursor, newest first, without repeating or skipping a conversation", async () => {
    const tenant = uniqueTenant();
    const member = await devToken("member", tenant);
    const titles = Array.from({ length: 120 }, (_, index) => `Question ${index}`);
    await indexConversations(tenant, "dev-member", titles);
    // Two conversations active in the same millisecond are ordered by id, so the cursor never loses one.
    await indexConversations(tenant, "dev-member", ["Same moment as question 0"], "same");

    const pages = await listAll(member);
    expect(pages.map((page) => page.conversations.length)).toEqual([50, 50, 21]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const listed = pages.flatMap((page) => page.conversations.map((conversation) => conversation.title));
    expect(new Set(listed).size).toBe(121);
    expect(listed.slice(0, 2)).toEqual(["Question 119", "Question 118"]);
    // Ids "same-0" > "dev-member-0": newest first, then by id, descending.
    expect(listed.slice(-2)).toEqual(["Same moment as question 0", "Question 0"]);

    // Pages of 10 cut through the two conversations of the same moment.
    const small = await listAll(member, { limit: "10" });
    expect(small.flatMap((page) => page.conversations).map((conversation) => conversation.title)).toEqual(listed);
  });

  it("finds conversations by a part of their title, only the caller's own", async () => {
    const tenant = uniqueTenant();
    const member = await devToken("member", tenant);
    const admin = await devToken("admin", tenant);
    const stranger = await devToken("member", uniqueTenant());
    const titles = Array.from({ length: 60 }, (_, index) => `Travel question ${index}`);
    titles[37] = "Hotel limits in Lisbon";
    titles[12] = "100% remote_work rules";
    await indexConversations(tenant, "dev-member", titles);
    await indexConversations(tenant, "dev-admin", ["Hotel limits for admins"]);

    const hotel = await listPage(member, { q: "  hotel LIMITS " });
    expect(hotel.conversations.map((conversation) => conversation.title)).toEqual(["Hotel limits in Lisbon"]);
    expect(hotel.nextCursor).toBeNull();
    expect((await listPage(admin, { q: "hotel" })).conversations.map((conversation) => conversation.title)).toEqual([
      "Hotel limits for admins",
    ]);
    expect((await listPage(stranger, { q: "hotel" })).conversations).toEqual([]);

    // LIKE's wildcards are taken literally.
    expect((await listPage(member, { q: "100%" })).conversations.map((conversation) => conversation.title)).toEqual([
      "100% remote_work rules",
    ]);
    expect((await listPage(member, { q: "e_w" })).conversations.map((conversation) => conversation.title)).toEqual([
      "100% remote_work rules",
    ]);
    expect((await listPage(member, { q: "%" })).conversations).toHaveLength(1);

    // A search pages like the whole list.
    const travel = await listAll(member, { q: "travel", limit: "25" });
    expect(travel.map((page) => page.conversations.length)).toEqual([25, 25, 8]);
    // An empty search lists everything.
    expect((await listPage(member, { q: "   " })).conversations).toHaveLength(50);
  });

  it("refuses a malformed cursor or search with a 400", async () => {
    const member = await devToken("member", uniqueTenant());
    const queries: Array<Record<string, string>> = [
      { before: "yesterday" },
      { before: "12:bad id" },
      { q: "x".repeat(201) },
    ];
    for (const query of queries) {
      const response = await call(`/api/conversations?${new URLSearchParams(query)}`, { token: member });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
  });
});
