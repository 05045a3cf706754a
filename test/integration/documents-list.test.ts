import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant } from "../support/api";

interface DocumentPage {
  documents: DocumentView[];
  nextCursor: string | null;
}

async function addDocuments(admin: string, names: string[]): Promise<void> {
  const documents = names.map((name) => ({ externalId: name, title: name, text: `# ${name}\n\nAbout ${name}.` }));
  expect((await postJson("/api/documents/batch", { documents }, admin)).status).toBe(202);
}

async function page(admin: string, query: string): Promise<DocumentPage> {
  const response = await call(`/api/documents?${query}`, { token: admin });
  expect(response.status).toBe(200);
  return response.json<DocumentPage>();
}

/** Every page from the first, `limit` at a time; `between` runs after the first page is read. */
async function readAllPages(admin: string, limit: number, between?: () => Promise<void>): Promise<DocumentPage[]> {
  const pages = [await page(admin, `limit=${limit}`)];
  await between?.();
  for (let cursor = pages[0]?.nextCursor; cursor; cursor = pages.at(-1)?.nextCursor) {
    pages.push(await page(admin, `limit=${limit}&before=${encodeURIComponent(cursor)}`));
  }
  return pages;
}

const names = (pages: DocumentPage[]) =>
  pages.flatMap((listed) => listed.documents.map((document) => document.externalId));

describe("GET /api/documents, a page at a time", () => {
  it("follows nextCursor through every document once, newest first, and ends with null", async () => {
    const admin = await devToken("admin", uniqueTenant());
    await addDocuments(admin, ["a", "b", "c", "d"]);
    await addDocuments(admin, ["e", "f", "g"]);
    const pages = await readAllPages(admin, 3);
    expect(pages.map((listed) => listed.documents.length)).toEqual([3, 3, 1]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(names(pages).sort()).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    const listed = pages.flatMap((listed) => listed.documents);
    const newestFirst = [...listed].sort(
      (first, second) => second.createdAt.localeCompare(first.createdAt) || (second.id < first.id ? -1 : 1),
    );
    expect(listed.map((document) => document.id)).toEqual(newestFirst.map((document) => document.id));
    // Without a limit, one page holds up to 500.
    expect((await page(admin, "")).documents).toHaveLength(7);
  });

  it("documents added while a client pages lose none of the others and repeat none", async () => {
    const admin = await devToken("admin", uniqueTenant());
    await addDocuments(admin, ["a", "b", "c", "d", "e"]);
    const pages = await readAllPages(admin, 2, () => addDocuments(admin, ["late-1", "late-2"]));
    const seen = names(pages).filter((name) => !name?.startsWith("late-"));
    expect(seen.sort()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("a cursor from another tenant shows only the caller's documents", async () => {
    const other = await devToken("admin", uniqueTenant());
    await addDocuments(other, ["theirs-1", "theirs-2", "theirs-3"]);
    const theirCursor = (await page(other, "limit=1")).nextCursor;
    const admin = await devToken("admin", uniqueTenant());
    await addDocuments(admin, ["mine"]);
    const listed = await page(admin, `before=${encodeURIComponent(theirCursor ?? "")}`);
    expect(listed.documents.every((document) => document.externalId === "mine")).toBe(true);
  });

  it("refuses a malformed cursor or limit with a 400 that says what is wrong", async () => {
    const admin = await devToken("admin", uniqueTenant());
    for (const query of ["before=yesterday", "before=1:a%20b", `before=${"9".repeat(16)}:x`, "limit=0", "limit=501"]) {
      const response = await call(`/api/documents?${query}`, { token: admin });
      expect(response.status).toBe(400);
      const body = await response.json<{ error: { code: string; message: string } }>();
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(/before must be the nextCursor of an earlier page|limit/);
    }
  });
});
