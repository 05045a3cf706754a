import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { documentPrefix } from "../../worker/ingest/object-keys";
import { submitDocuments } from "../../worker/ingest/submit-document";
import { AppError } from "../../worker/lib/app-error";
import { call, devToken, postJson, uniqueTenant } from "../support/api";
import { createHarness } from "../support/ingest-harness";

describe("POST /api/documents/batch", () => {
  it("refuses a batch that names one external id twice with a 400 naming it, and stores nothing", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const response = await postJson(
      "/api/documents/batch",
      {
        documents: [
          { externalId: "guide", title: "Guide", text: "# Guide\n\nOne." },
          { externalId: "notes", title: "Notes", text: "# Notes\n\nTwo." },
          { externalId: "guide", title: "Guide again", text: "# Guide\n\nThree." },
        ],
      },
      admin,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: "invalid_request",
        message: 'documents[2].externalId: "guide" is also the external id of documents[0]; send each document once',
      },
    });
    const listed = await (await call("/api/documents", { token: admin })).json<{ documents: unknown[] }>();
    expect(listed.documents).toEqual([]);
  });

  it("submitDocuments refuses the same, whoever calls it", async () => {
    const harness = await createHarness();
    const note = {
      tenantId: harness.tenantId,
      title: "Guide",
      body: new TextEncoder().encode("# Guide"),
      contentType: "text/markdown",
      externalId: "guide",
      collection: "default",
      source: "batch" as const,
    };
    const refused = await submitDocuments(harness.deps, [note, note]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "invalid_request", message: expect.stringContaining('"guide"') });
    expect(harness.queue.messages).toEqual([]);
  });

  it("two clients creating the same new documents at once both succeed, and each document exists once", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const batch = (client: number) => ({
      documents: Array.from({ length: 20 }, (_, index) => ({
        externalId: `shared-${index}`,
        title: `Shared ${index}`,
        text: `# Shared ${index}\n\nAs client ${client} wrote it.`,
      })),
    });
    const responses = await Promise.all(
      [1, 2, 3, 4].map((client) => postJson("/api/documents/batch", batch(client), admin)),
    );
    expect(responses.map((response) => response.status)).toEqual([202, 202, 202, 202]);

    const listed = await (await call("/api/documents?limit=100", { token: admin })).json<{
      documents: Array<{ id: string; externalId: string | null }>;
    }>();
    expect(listed.documents.map((document) => document.externalId).sort()).toEqual(
      Array.from({ length: 20 }, (_, index) => `shared-${index}`).sort(),
    );
    // Every stored file belongs to a listed document: the attempts that lost the race removed theirs.
    const owners = new Set(listed.documents.map((document) => documentPrefix(tenant, document.id)));
    const stored = await env.DOCUMENTS.list({ prefix: `documents/${tenant}/` });
    expect(stored.objects.length).toBeGreaterThanOrEqual(20);
    for (const object of stored.objects) expect(owners).toContain(object.key.replace(/v\d+$/, ""));
  });
});
