import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signToken } from "../../worker/auth/token";
import type { DocumentChunksPage, DocumentView } from "../../worker/contract";
import { testFixtures } from "../../worker/rag/parse/test-fixtures";
import { call, devToken, postJson, uniqueTenant, uploadFile, waitForDocument } from "../support/api";

// Three sections of numbered sentences, several passages each at the default chunk size (2,000 characters).
function section(name: string, sentences: number): string {
  const body = Array.from(
    { length: sentences },
    (_, index) => `In ${name} rule ${index + 1} says the ${name} team keeps record ${index + 1} for a year.`,
  );
  return `## ${name}\n\n${body.join(" ")}`;
}

const guide = `# Field guide\n\n${["Harbour", "Lighthouse", "Ferry"].map((name) => section(name, 120)).join("\n\n")}\n`;

function readText(token: string, id: string, query = ""): Promise<Response> {
  return call(`/api/documents/${id}/chunks${query}`, { token });
}

async function page(token: string, id: string, query = ""): Promise<DocumentChunksPage> {
  const response = await readText(token, id, query);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<DocumentChunksPage>();
}

// The text a reader sees: each passage from where it stops repeating the one before.
const shownText = (chunks: DocumentChunksPage["chunks"]) => chunks.map((chunk) => chunk.text.slice(chunk.repeated));

async function indexedDocument(admin: string, body: Record<string, unknown>): Promise<string> {
  const batch = await postJson("/api/documents/batch", { documents: [body] }, admin);
  expect(batch.status).toBe(202);
  const { documents } = await batch.json<{ documents: DocumentView[] }>();
  const id = documents[0]?.id ?? "";
  expect(await waitForDocument(admin, id)).toMatchObject({ status: "ready" });
  return id;
}

async function expectNotFound(response: Response): Promise<void> {
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ error: { code: "not_found", message: "Document was not found" } });
}

describe("reading a document's text", () => {
  it("gives members the passages in reading order, with heading paths, paged both ways and around a passage", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const member = await devToken("member", tenant);
    const id = await indexedDocument(admin, { externalId: "guide", text: guide });

    const whole = await page(member, id, "?limit=100");
    expect(whole.document).toEqual({
      id,
      title: "Field guide",
      collection: "default",
      contentType: "text/markdown",
      status: "ready",
    });
    expect(whole.previous).toBeNull();
    expect(whole.next).toBeNull();
    const { chunks } = whole;
    expect(chunks.length).toBeGreaterThan(6);
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, index) => index));
    expect([...new Set(chunks.map((chunk) => chunk.headingPath))]).toEqual([
      "Field guide > Harbour",
      "Field guide > Lighthouse",
      "Field guide > Ferry",
    ]);
    expect(chunks.every((chunk) => chunk.page === null)).toBe(true);
    // The chunker's overlap is marked, so each section reads exactly once.
    expect(chunks.filter((chunk) => chunk.repeated > 0).length).toBeGreaterThan(2);
    const harbour = chunks.filter((chunk) => chunk.headingPath.endsWith("Harbour"));
    expect(shownText(harbour).join("")).toBe(section("Harbour", 120).replace(/^## Harbour\n\n/, ""));

    // Forwards two at a time, then backwards from the end: the same passages.
    const forwards: DocumentChunksPage["chunks"] = [];
    let from: number | null = 0;
    while (from !== null) {
      const next: DocumentChunksPage = await page(member, id, `?limit=2&from=${from}`);
      expect(next.chunks.length).toBeLessThanOrEqual(2);
      forwards.push(...next.chunks);
      from = next.next;
    }
    expect(forwards).toEqual(chunks);
    const backwards: DocumentChunksPage["chunks"] = [];
    let before: number | null = chunks.length;
    while (before !== null) {
      const previous: DocumentChunksPage = await page(member, id, `?limit=3&before=${before}`);
      backwards.unshift(...previous.chunks);
      before = previous.previous;
    }
    expect(backwards).toEqual(chunks);

    // Around a passage: the page holds it, with some text before it.
    const target = chunks[5];
    if (!target) throw new Error("the guide has too few passages");
    const around = await page(member, id, `?limit=4&chunk=${encodeURIComponent(target.chunkId)}`);
    expect(around.chunks.map((chunk) => chunk.ordinal)).toEqual([4, 5, 6, 7]);
    expect(around).toMatchObject({ previous: 4, next: 8 });
    // A passage the document no longer has: its first page.
    const gone = await page(member, id, "?limit=2&chunk=no-such-passage");
    expect(gone.chunks.map((chunk) => chunk.ordinal)).toEqual([0, 1]);
  });

  it("caps a page at about 100,000 characters, keeping the passage asked for", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const text = `# Long\n\n${Array.from({ length: 80 }, (_, index) => section(`Part ${index + 1}`, 22)).join("\n\n")}`;
    const id = await indexedDocument(admin, { externalId: "long", text });
    const size = (chunks: DocumentChunksPage["chunks"]) =>
      chunks.reduce((total, chunk) => total + chunk.text.length, 0);

    const first = await page(admin, id, "?limit=100");
    expect(size(first.chunks)).toBeLessThanOrEqual(100_000);
    expect(first.next).toBe(first.chunks.length);
    const rest = await page(admin, id, `?limit=100&from=${first.next}`);
    expect(rest.next).toBeNull();
    const all = [...first.chunks, ...rest.chunks];
    expect(all.map((chunk) => chunk.ordinal)).toEqual(all.map((_, index) => index));
    expect(size(all)).toBeGreaterThan(100_000);

    const last = all.at(-1);
    const around = await page(admin, id, `?limit=100&chunk=${encodeURIComponent(last?.chunkId ?? "")}`);
    expect(around.chunks.at(-1)).toEqual(last);
    expect(size(around.chunks)).toBeLessThanOrEqual(100_000);
  });

  it("gives the page of each passage of a PDF", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const upload = await uploadFile(admin, "report.pdf", new Uint8Array(testFixtures["report.pdf"]), "application/pdf");
    const { document } = await upload.json<{ document: DocumentView }>();
    expect(await waitForDocument(admin, document.id)).toMatchObject({ status: "ready" });
    const { chunks } = await page(admin, document.id);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((chunk) => typeof chunk.page === "number" && chunk.page >= 1)).toBe(true);
  });

  it("answers 404 alike for another tenant's document, a restricted collection and an unknown id", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const access = await call("/api/collections/board/access", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ readableBy: ["board"] }),
      token: admin,
    });
    expect(access.status).toBe(200);
    const secret = "The board meets on the first Monday of every month.";
    const boardId = await indexedDocument(admin, {
      externalId: "minutes",
      text: `# Minutes\n\n${secret}`,
      collection: "board",
    });
    const member = (groups: string[]) =>
      signToken({ tenantId: tenant, role: "member", subject: "ada", groups }, env.AUTH_SECRET, 600);

    for (const outsider of [await member(["staff"]), await devToken("admin", uniqueTenant())]) {
      const response = await readText(outsider, boardId);
      const body = await response.clone().text();
      expect(body).not.toContain(secret);
      await expectNotFound(response);
      await expectNotFound(await readText(outsider, boardId, "?chunk=x"));
    }
    await expectNotFound(await readText(admin, "no-such-document"));
    // Members of the board and admins read it.
    for (const insider of [await member(["staff", "board"]), admin]) {
      expect(shownText((await page(insider, boardId)).chunks).join("")).toContain(secret);
    }
    // So does everyone once the collection is opened.
    await call("/api/collections/board/access", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ readableBy: null }),
      token: admin,
    });
    expect((await page(await member(["staff"]), boardId)).chunks.length).toBe(1);

    // A document being deleted is gone already.
    expect((await call(`/api/documents/${boardId}`, { method: "DELETE", token: admin })).status).toBe(202);
    await expectNotFound(await readText(admin, boardId));
  });

  it("refuses malformed paging with 400 and callers without a token with 401", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const id = await indexedDocument(admin, { externalId: "short", text: "# Short\n\nOne passage." });
    for (const query of ["?from=-1", "?before=0", "?limit=0", "?limit=101", "?from=1&before=3", "?from=x"]) {
      const response = await readText(admin, id, query);
      expect(response.status, query).toBe(400);
      expect(await response.json(), query).toMatchObject({ error: { code: "invalid_request" } });
    }
    const anonymous = await call(`/api/documents/${id}/chunks`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
  });
});
