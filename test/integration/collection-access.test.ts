import { env } from "cloudflare:workers";
import { embed } from "ai";
import { describe, expect, it } from "vitest";
import { signToken } from "../../worker/auth/token";
import type { ApiKeyView, AuditEntryView, ChatMessage, CollectionView } from "../../worker/contract";
import { scopeVectorFilter } from "../../worker/rag/scope-vector-filter";
import { createServices } from "../../worker/services";
import { call, devToken, postJson, uniqueTenant, waitForDocument } from "../support/api";

function putAccess(admin: string, name: string, body: unknown): Promise<Response> {
  return call(`/api/collections/${encodeURIComponent(name)}/access`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    token: admin,
  });
}

async function collections(admin: string): Promise<CollectionView[]> {
  const response = await call("/api/collections", { token: admin });
  expect(response.status).toBe(200);
  return (await response.json<{ collections: CollectionView[] }>()).collections;
}

describe("collection access: the admin API", () => {
  it("lists the collections in use with document counts, and sets who may read each, audited", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const batch = await postJson(
      "/api/documents/batch",
      {
        documents: [
          { externalId: "a", text: "# A\n\nOne.", collection: "hr" },
          { externalId: "b", text: "# B\n\nTwo.", collection: "hr" },
          { externalId: "c", text: "# C\n\nThree." },
        ],
      },
      admin,
    );
    expect(batch.status).toBe(202);
    expect(await collections(admin)).toEqual([
      { name: "default", documents: 1, readableBy: null, accessUpdatedAt: null, accessUpdatedBy: null },
      { name: "hr", documents: 2, readableBy: null, accessUpdatedAt: null, accessUpdatedBy: null },
    ]);

    const restricted = await putAccess(admin, "hr", { readableBy: ["hr-team", "leadership"] });
    expect(restricted.status).toBe(200);
    const { collection } = await restricted.json<{ collection: CollectionView }>();
    expect(collection).toMatchObject({ name: "hr", documents: 2, readableBy: ["hr-team", "leadership"] });
    expect(collection.accessUpdatedBy).toBe("dev-admin");
    // Access can be set before a collection has documents, so its first document is never readable by all.
    expect((await putAccess(admin, "board minutes", { readableBy: [] })).status).toBe(200);
    expect(
      (await collections(admin)).map(({ name, documents, readableBy }) => ({ name, documents, readableBy })),
    ).toEqual([
      { name: "board minutes", documents: 0, readableBy: [] },
      { name: "default", documents: 1, readableBy: null },
      { name: "hr", documents: 2, readableBy: ["hr-team", "leadership"] },
    ]);
    // Back to the whole tenant.
    const opened = await putAccess(admin, "hr", { readableBy: null });
    expect((await opened.json<{ collection: CollectionView }>()).collection.readableBy).toBeNull();

    await expect
      .poll(async () => {
        const response = await call("/api/audit?action=collection.access", { token: admin });
        const { entries } = await response.json<{ entries: AuditEntryView[] }>();
        return entries.map((entry) => `${entry.targetId} ${entry.outcome}`);
      })
      .toEqual(["hr success", "board minutes success", "hr success"]);
  });

  it("refuses malformed access and is for admins only", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    for (const body of [{}, { readableBy: "hr" }, { readableBy: [""] }, { readableBy: Array(101).fill("g") }]) {
      const response = await putAccess(admin, "hr", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_request" } });
    }
    expect((await putAccess(admin, "x".repeat(65), { readableBy: null })).status).toBe(400);
    const member = await signToken(
      { tenantId: tenant, role: "member", subject: "ada", groups: ["hr"] },
      env.AUTH_SECRET,
      600,
    );
    expect((await call("/api/collections", { token: member })).status).toBe(403);
    expect((await putAccess(member, "hr", { readableBy: null })).status).toBe(403);
  });

  it("gives an API key the groups it was created with", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const created = await postJson("/api/keys", { name: "hr bot", role: "member", groups: ["hr-team"] }, admin);
    expect(created.status).toBe(201);
    expect((await created.json<{ key: ApiKeyView }>()).key.groups).toEqual(["hr-team"]);
    const plain = await postJson("/api/keys", { name: "bot", role: "member" }, admin);
    expect((await plain.json<{ key: ApiKeyView }>()).key.groups).toEqual([]);
    const bad = await postJson("/api/keys", { name: "bot", role: "member", groups: ["a\nb"] }, admin);
    expect(bad.status).toBe(400);
  });
});

// Unique to the restricted document: wherever it shows up, the restricted text got there.
const marker = "QUOKKAZANZIBAR";

const question = (text: string, filter?: unknown) => ({
  id: `c-${crypto.randomUUID().slice(0, 8)}`,
  message: { id: "q1", role: "user", parts: [{ type: "text", text }] },
  ...(filter ? { filter } : {}),
});

/** A tenant with a board-only collection holding the marker, a public one, and callers in and out of the board. */
async function restrictedTenant() {
  const tenant = uniqueTenant();
  const admin = await devToken("admin", tenant);
  // Restricted before its first document arrives.
  expect((await putAccess(admin, "board", { readableBy: ["board"] })).status).toBe(200);
  const batch = await postJson(
    "/api/documents/batch",
    {
      documents: [
        {
          externalId: "merger",
          title: "Merger plan",
          text: `# Merger plan\n\nThe codename of the merger is ${marker}. The board approved the merger codename in March.`,
          collection: "board",
        },
        {
          externalId: "teams",
          title: "Team news",
          text: "# Team news\n\nThe merger of the two support teams is complete. The codename of the new team is Harbour.",
        },
      ],
    },
    admin,
  );
  expect(batch.status).toBe(202);
  const { documents } = await batch.json<{ documents: Array<{ id: string }> }>();
  for (const document of documents) await waitForDocument(admin, document.id);
  const member = (subject: string, groups: string[]) =>
    signToken({ tenantId: tenant, role: "member", subject, groups }, env.AUTH_SECRET, 600);
  const key = async (groups: string[]) => {
    const response = await postJson("/api/keys", { name: "bot", role: "member", groups }, admin);
    return (await response.json<{ secret: string }>()).secret;
  };
  return {
    tenant,
    admin,
    boardDocumentId: documents[0]?.id ?? "",
    outsiders: { "member in another group": await member("olga", ["staff"]), "key without groups": await key([]) },
    insiders: {
      "member of the board": await member("bo", ["staff", "board"]),
      "key of the board": await key(["board"]),
      admin,
    },
  };
}

async function searchText(token: string, body: Record<string, unknown>): Promise<string> {
  const response = await postJson("/api/search", { query: "merger codename", ...body }, token);
  expect(response.status).toBe(200);
  return response.text();
}

// The raw SSE text of a whole answer, every event, sources and citations included; then the conversation as saved.
async function chatText(token: string, text: string, filter?: unknown): Promise<string> {
  const asked = question(text, filter);
  const response = await postJson("/api/chat", asked, token);
  expect(response.status).toBe(200);
  const stream = await response.text();
  const saved = await call(`/api/conversations/${asked.id}`, { token });
  expect(saved.status).toBe(200);
  return `${stream}\n${await saved.text()}`;
}

describe("collection access: a restricted collection's text", () => {
  it("never reaches the search results, chat stream or document lists of callers outside its groups", async () => {
    const { boardDocumentId, outsiders } = await restrictedTenant();
    for (const [who, token] of Object.entries(outsiders)) {
      const results = await searchText(token, {});
      expect(results, who).toContain("Harbour");
      expect(results, who).not.toContain(marker);
      expect(results, who).not.toContain(boardDocumentId);
      // Naming the collection or the document answers as an empty collection does.
      // (Its timings say only how long the search took.)
      for (const filter of [{ collection: "board" }, { documentIds: [boardDocumentId] }]) {
        const body = JSON.parse(await searchText(token, { filter }));
        expect(body, who).toMatchObject({ results: [] });
        expect(Object.keys(body).sort(), who).toEqual(["results", "timings"]);
        expect(JSON.stringify(body.timings), who).not.toContain(marker);
      }

      const answer = await chatText(token, "What is the codename of the merger?");
      expect(answer, who).toContain("Harbour");
      expect(answer, who).not.toContain(marker);
      expect(answer, who).not.toContain(boardDocumentId);
      const filtered = await chatText(token, "What is the codename of the merger?", { collection: "board" });
      expect(filtered, who).not.toContain(marker);
      expect(filtered, who).not.toContain(boardDocumentId);

      const listing = await call("/api/documents", { token });
      expect(listing.status, who).toBe(403);
      expect(await listing.text(), who).not.toContain(marker);
    }
  });

  it("stays out of an answer given the collections the Worker found unreadable, which are not read again", async () => {
    const { tenant, boardDocumentId } = await restrictedTenant();
    const message: ChatMessage = {
      id: "q1",
      role: "user",
      parts: [{ type: "text", text: "What is the codename of the merger?" }],
    };
    const caller = { tenantId: tenant, subject: "board-reader" };
    // As an admin the object would read no collection as unreadable: only the list handed over keeps the board out.
    const answer = async (unreadableCollections?: string[]) => {
      const id = `c-${crypto.randomUUID().slice(0, 8)}`;
      const start = await env.CONVERSATIONS.getByName(`${tenant}/${id}`).chat(caller, id, message, {
        reader: { role: "admin", groups: [] },
        ...(unreadableCollections ? { unreadableCollections } : {}),
      });
      if (start.status !== "streaming") throw new Error(`the answer did not start: ${start.status}`);
      return new Response(start.body).text();
    };
    const handedOver = await answer(["board"]);
    expect(handedOver).toContain("Harbour");
    expect(handedOver).not.toContain(marker);
    expect(handedOver).not.toContain(boardDocumentId);
    expect(await answer()).toContain(marker);
  });

  it("reaches members of its groups, keys with the group and admins, and everyone once opened", async () => {
    const { admin, boardDocumentId, insiders, outsiders } = await restrictedTenant();
    for (const [who, token] of Object.entries(insiders)) {
      expect(await searchText(token, {}), who).toContain(marker);
      expect(await searchText(token, { filter: { collection: "board" } }), who).toContain(marker);
      const answer = await chatText(token, "What is the codename of the merger?");
      expect(answer, who).toContain(marker);
      expect(answer, who).toContain(boardDocumentId);
    }
    const listing = await call("/api/documents", { token: admin });
    expect(await listing.text()).toContain(boardDocumentId);

    // Access is read on every request: opening the collection lets everyone in at once.
    expect((await putAccess(admin, "board", { readableBy: null })).status).toBe(200);
    for (const [who, token] of Object.entries(outsiders)) {
      expect(await searchText(token, {}), who).toContain(marker);
    }
  });

  it("is left out by each layer on its own: the full-text query, the vector query and hydration", async () => {
    const { admin, boardDocumentId } = await restrictedTenant();
    const everything = await postJson("/api/search", { query: "merger codename" }, admin);
    const { results } = await everything.json<{ results: Array<{ chunkId: string; documentId: string }> }>();
    const boardChunks = results.filter((result) => result.documentId === boardDocumentId).map((r) => r.chunkId);
    expect(boardChunks.length).toBeGreaterThan(0);
    const tenantId = (await (await call("/api/tenant", { token: admin })).json<{ tenant: { id: string } }>()).tenant.id;
    const services = createServices(env);
    const scope = { excludedCollections: ["board"] };
    const weights = { title: 1, headingPath: 1, text: 1 };

    // Each layer with and without the exclusion: the board's chunks are there until it applies.
    const rank = (excludedCollections: string[]) =>
      services.chunkSearch.searchFullText(tenantId, '"merger"', {
        limit: 100,
        weights,
        scope: { excludedCollections },
      });
    expect((await rank([])).filter((id) => boardChunks.includes(id))).toEqual(boardChunks);
    const ranked = await rank(scope.excludedCollections);
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked.filter((id) => boardChunks.includes(id))).toEqual([]);

    const { embedding } = await embed({ model: services.models.embedding, value: "merger codename" });
    const nearest = async (excludedCollections: string[]) => {
      const filter = scopeVectorFilter({ excludedCollections });
      const options = { namespace: tenantId, topK: 100, returnMetadata: "none" as const };
      const matches = await services.vectorIndex.query(embedding, filter ? { ...options, filter } : options);
      return matches.map((match) => match.id);
    };
    expect((await nearest([])).filter((id) => boardChunks.includes(id))).toEqual(boardChunks);
    const matches = await nearest(scope.excludedCollections);
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.filter((id) => boardChunks.includes(id))).toEqual([]);

    const hydrated = await services.chunkSearch.hydrate(tenantId, boardChunks, scope);
    expect(hydrated).toEqual([]);
    expect(await services.chunkSearch.hydrate(tenantId, boardChunks, { excludedCollections: [] })).toHaveLength(
      boardChunks.length,
    );
  });
});
