import { describe, expect, it, vi } from "vitest";
import type { DocumentView, IngestJobView } from "../../worker/contract";
import { call, devToken, postJson, uniqueTenant, uploadFile, waitForDocument } from "../support/api";

describe("the documents API", () => {
  it("shows each document's last ingest job, re-ingests without re-embedding, and deletes everywhere", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const upload = await uploadFile(admin, "guide.md", "# Guide\n\n## One\n\nAlpha bravo.\n\n## Two\n\nCharlie delta.");
    const { document } = await upload.json<{ document: DocumentView }>();
    await waitForDocument(admin, document.id);

    const detail = await (await call(`/api/documents/${document.id}`, { token: admin })).json<{
      document: DocumentView;
      lastJob: IngestJobView;
      jobs: IngestJobView[];
    }>();
    expect(detail.document).toMatchObject({ status: "ready", version: 1, activeVersion: 1, chunksTotal: 2 });
    expect(detail.lastJob).toMatchObject({ version: 1, status: "ready", chunks: 2, embedded: 2, reused: 0 });
    expect(detail.lastJob.durationMs).toBeGreaterThanOrEqual(0);

    const reingest = await postJson(`/api/documents/${document.id}/reingest`, {}, admin);
    expect(reingest.status).toBe(202);
    expect((await waitForDocument(admin, document.id)).activeVersion).toBe(2);
    const again = await (await call(`/api/documents/${document.id}`, { token: admin })).json<{
      lastJob: IngestJobView;
    }>();
    expect(again.lastJob).toMatchObject({ version: 2, embedded: 0, reused: 2 });

    const reembed = await postJson("/api/documents/reembed", {}, admin);
    expect(await reembed.json()).toMatchObject({ queued: 0 });

    const stats = await (await call("/api/documents/stats", { token: admin })).json<Record<string, number>>();
    expect(stats).toMatchObject({ documents: 1, ready: 1, chunks: 2, jobs: 2, embeddedTexts: 2 });

    const deleted = await call(`/api/documents/${document.id}`, { method: "DELETE", token: admin });
    expect(deleted.status).toBe(202);
    expect((await deleted.json<{ document: DocumentView }>()).document.status).toBe("deleting");
    await vi.waitUntil(async () => (await call(`/api/documents/${document.id}`, { token: admin })).status === 404, {
      timeout: 20_000,
      interval: 50,
    });
    const { results } = await (await postJson("/api/search", { query: "alpha charlie" }, admin)).json<{
      results: unknown[];
    }>();
    expect(results).toEqual([]);
  });
});
