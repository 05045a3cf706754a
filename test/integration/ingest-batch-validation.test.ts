import { describe, expect, it } from "vitest";
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
});
