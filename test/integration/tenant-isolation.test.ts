import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../worker/contract";
import { call, devToken, postJson, readUiStream, uniqueTenant, uploadFile, waitForDocument } from "../support/api";

const secret = "# Project Falcon\n\nProject Falcon launches on the ninth of March with a budget of four million.";

describe("tenant isolation", () => {
  it("never shows one tenant's documents to another", async () => {
    const adminA = await devToken("admin", uniqueTenant());
    const tenantB = uniqueTenant();
    const adminB = await devToken("admin", tenantB);
    const memberB = await devToken("member", tenantB);

    const { document } = await (await uploadFile(adminA, "falcon.md", secret)).json<{ document: DocumentView }>();
    await waitForDocument(adminA, document.id);
    const other = await (await uploadFile(adminB, "notes.md", "# Notes\n\nThe canteen opens at noon.")).json<{
      document: DocumentView;
    }>();
    await waitForDocument(adminB, other.document.id);

    const searchA = await (await postJson("/api/search", { query: "Project Falcon budget" }, adminA)).json<{
      results: Array<{ documentId: string }>;
    }>();
    expect(searchA.results.map((result) => result.documentId)).toContain(document.id);

    const searchB = await (await postJson("/api/search", { query: "Project Falcon budget", topK: 50 }, memberB)).json<{
      results: Array<{ documentId: string }>;
    }>();
    expect(searchB.results.map((result) => result.documentId)).not.toContain(document.id);

    const chunks = await readUiStream(
      await postJson(
        "/api/chat",
        {
          id: "shared-id",
          message: { id: "m1", role: "user", parts: [{ type: "text", text: "When does Project Falcon launch?" }] },
        },
        memberB,
      ),
    );
    const everything = JSON.stringify(chunks);
    expect(everything).not.toContain(document.id);
    expect(everything).not.toContain("ninth of March");

    expect((await call(`/api/documents/${document.id}`, { token: adminB })).status).toBe(404);
    expect((await call("/api/conversations/shared-id", { token: adminA })).status).toBe(404);
  });
});
