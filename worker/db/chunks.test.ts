import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChunkScope } from "../rag/chunk-search";
import { hydrationQuery } from "./chunks";
import { createDb } from "./client";

async function queryPlan(scope: ChunkScope): Promise<string[]> {
  const ids = Array.from({ length: 40 }, (_, index) => `vector-${index}`);
  const { sql, params } = hydrationQuery(createDb(env.DB), "tenant-1", ids, scope).toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("hydrationQuery", () => {
  it("finds the chunks through the vector-id index, not by reading every chunk of the tenant", async () => {
    for (const scope of [{ excludedCollections: [] }, { collection: "handbook", excludedCollections: ["hr"] }]) {
      const plan = await queryPlan(scope);
      expect(plan.some((step) => step.includes("INDEX chunks_vector"))).toBe(true);
      expect(plan.some((step) => step.includes("chunks_tenant"))).toBe(false);
    }
  });

  it("with a filter of documents, reads only those documents' chunks", async () => {
    const plan = await queryPlan({ documentIds: ["doc-1", "doc-2"], excludedCollections: [] });
    expect(plan.some((step) => step.includes("chunks_tenant"))).toBe(false);
  });
});
