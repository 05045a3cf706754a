import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../worker/contract.ts";
import { waitForDocuments } from "./wait-for-documents.ts";

function document(id: string, status: DocumentView["status"], error: string | null = null): DocumentView {
  return {
    id,
    externalId: `${id}.md`,
    title: id,
    collection: "default",
    contentType: "text/markdown",
    size: 1,
    sha256: "0".repeat(64),
    status,
    version: 1,
    activeVersion: null,
    chunksTotal: 0,
    chunksDone: 0,
    error,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

describe("waitForDocuments", () => {
  it("polls until every document is ready or failed, reporting each once", async () => {
    const states: Record<string, DocumentView["status"][]> = {
      a: ["queued", "processing", "ready"],
      b: ["failed"],
    };
    const settled: string[] = [];
    let sleeps = 0;
    const result = await waitForDocuments(
      ["a", "b"],
      async (id) => {
        const status = states[id]?.shift() ?? "ready";
        return document(id, status, status === "failed" ? "Not UTF-8" : null);
      },
      {
        intervalMs: 10,
        timeoutMs: 1000,
        onSettled: (settledDocument) => settled.push(`${settledDocument.id} ${settledDocument.status}`),
        sleep: async () => {
          sleeps += 1;
        },
      },
    );
    expect(settled).toEqual(["b failed", "a ready"]);
    expect(sleeps).toBe(2);
    expect(result.get("a")?.status).toBe("ready");
    expect(result.get("b")).toMatchObject({ status: "failed", error: "Not UTF-8" });
  });

  it("stops at the timeout with the last state it saw", async () => {
    let time = 0;
    const result = await waitForDocuments(["a"], async (id) => document(id, "processing"), {
      intervalMs: 100,
      timeoutMs: 250,
      onSettled: () => {
        throw new Error("nothing settles");
      },
      sleep: async (milliseconds) => {
        time += milliseconds;
      },
      now: () => time,
    });
    expect(result.get("a")?.status).toBe("processing");
    expect(time).toBe(300);
  });
});
