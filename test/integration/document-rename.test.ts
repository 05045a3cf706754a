import { describe, expect, it } from "vitest";
import type { AuditEntryView, DocumentView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant, uploadFile, waitForDocument } from "../support/api";

function renameDocument(token: string, id: string, body: unknown): Promise<Response> {
  return call(`/api/documents/${id}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    token,
  });
}

async function uploaded(response: Response): Promise<DocumentView> {
  expect(response.status).toBe(202);
  return (await response.json<{ document: DocumentView }>()).document;
}

async function searchTitles(token: string, query: string): Promise<string[]> {
  const response = await postJson("/api/search", { query, mode: "fts" }, token);
  return (await response.json<{ results: Array<{ title: string }> }>()).results.map((result) => result.title);
}

describe("renaming a document", () => {
  it("replaces the title the file declared, for search and for good, and is audited", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const text = "# Lighthouse keeping\n\nThe lamp is cleaned every Monday.";
    const document = await uploaded(await uploadFile(admin, "lamp.md", text));
    expect(await waitForDocument(admin, document.id)).toMatchObject({ title: "Lighthouse keeping", version: 1 });

    const response = await renameDocument(admin, document.id, { title: "  Lamp\nrota  " });
    expect(response.status).toBe(200);
    const { document: renamed } = await response.json<{ document: DocumentView }>();
    // Control characters become spaces, as in an uploaded title; the new title is indexed as a new version.
    expect(renamed).toMatchObject({ title: "Lamp rota", version: 2, status: "queued" });
    expect(await waitForDocument(admin, document.id)).toMatchObject({
      title: "Lamp rota",
      status: "ready",
      activeVersion: 2,
    });
    expect(await searchTitles(admin, "rota")).toEqual(["Lamp rota"]);

    // The same title again changes nothing.
    const again = await (await renameDocument(admin, document.id, { title: "Lamp rota" })).json<{
      document: DocumentView;
    }>();
    expect(again.document.version).toBe(2);

    const entries = await (await call("/api/audit?action=document.rename", { token: admin })).json<{
      entries: AuditEntryView[];
    }>();
    expect(entries.entries[0]).toMatchObject({ actor: "dev-admin", targetType: "document", targetId: document.id });
  });

  it("renames a failed document without retrying it", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const broken = await uploaded(
      await uploadFile(admin, "broken.pdf", "%PDF-1.7\nnot really a PDF\n", "application/pdf"),
    );
    expect(await waitForDocument(admin, broken.id)).toMatchObject({ status: "failed" });
    const response = await renameDocument(admin, broken.id, { title: "Broken scan" });
    expect(await response.json()).toMatchObject({ document: { title: "Broken scan", status: "failed", version: 1 } });
  });

  it("refuses an empty title, another tenant's document and members", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const document = await uploaded(await uploadFile(admin, "notes.md", "# Notes\n\nSome notes."));
    await waitForDocument(admin, document.id);

    const empty = await renameDocument(admin, document.id, { title: " \u0000 " });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ error: { code: "invalid_request" } });
    expect((await renameDocument(admin, document.id, { title: "x".repeat(513) })).status).toBe(400);
    expect((await renameDocument(await devToken("admin", uniqueTenant()), document.id, { title: "Mine" })).status).toBe(
      404,
    );
    expect((await renameDocument(await devToken("member", tenant), document.id, { title: "Mine" })).status).toBe(403);
    expect(await waitForDocument(admin, document.id)).toMatchObject({ title: "Notes" });
  });
});
