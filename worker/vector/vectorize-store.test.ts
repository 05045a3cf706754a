import { describe, expect, it } from "vitest";
import { createVectorizeStore } from "./vectorize-store";

/** Records what the store sends to Vectorize and answers queries with canned matches. */
function fakeVectorize(matches: VectorizeMatch[] = []) {
  const calls: {
    upsert: VectorizeVector[][];
    deleteByIds: string[][];
    query: Array<{ vector: number[] | VectorFloatArray; options: VectorizeQueryOptions | undefined }>;
  } = { upsert: [], deleteByIds: [], query: [] };
  const index: VectorizeIndex = {
    async describe() {
      return { id: "index", name: "index", config: { dimensions: 3, metric: "cosine" }, vectorsCount: 0 };
    },
    async query(vector, options) {
      calls.query.push({ vector, options });
      return { matches, count: matches.length };
    },
    async insert(vectors) {
      return { ids: vectors.map((vector) => vector.id), count: vectors.length };
    },
    async upsert(vectors) {
      calls.upsert.push(vectors);
      return { ids: vectors.map((vector) => vector.id), count: vectors.length };
    },
    async deleteByIds(ids) {
      calls.deleteByIds.push(ids);
      return { ids, count: ids.length };
    },
    async getByIds() {
      return [];
    },
  };
  return { index, calls };
}

describe("createVectorizeStore", () => {
  it("upserts in batches of at most 1000, each vector in the tenant's namespace", async () => {
    const { index, calls } = fakeVectorize();
    const vectors = Array.from({ length: 2001 }, (_, position) => ({
      id: `chunk-${position}`,
      values: [position, 0, 1],
      ...(position === 0 ? { metadata: { documentId: "doc-1" } } : {}),
    }));
    await createVectorizeStore(index).upsert("tenant-a", vectors);
    expect(calls.upsert.map((batch) => batch.length)).toEqual([1000, 1000, 1]);
    expect(calls.upsert.flat().every((vector) => vector.namespace === "tenant-a")).toBe(true);
    expect(calls.upsert[0]?.[0]).toEqual({
      id: "chunk-0",
      values: [0, 0, 1],
      namespace: "tenant-a",
      metadata: { documentId: "doc-1" },
    });
    expect(calls.upsert[0]?.[1]).toEqual({ id: "chunk-1", values: [1, 0, 1], namespace: "tenant-a" });
  });

  it("queries within the namespace, clamping topK to 20 when all metadata is returned", async () => {
    const { index, calls } = fakeVectorize([
      { id: "a", score: 0.9, metadata: { documentId: "doc-1", tags: ["x"], nested: { deep: "y" } } },
      { id: "b", score: 0.5 },
    ]);
    const store = createVectorizeStore(index);
    const matches = await store.query([1, 0, 0], {
      namespace: "tenant-a",
      topK: 50,
      filter: { documentId: { $in: ["doc-1"] } },
      returnMetadata: "all",
    });
    expect(calls.query[0]?.options).toEqual({
      namespace: "tenant-a",
      topK: 20,
      filter: { documentId: { $in: ["doc-1"] } },
      returnMetadata: "all",
    });
    expect(matches).toEqual([
      { id: "a", score: 0.9, metadata: { documentId: "doc-1" } },
      { id: "b", score: 0.5 },
    ]);

    await store.query([1, 0, 0], { namespace: "tenant-a", topK: 50, returnMetadata: "indexed", filter: {} });
    expect(calls.query[1]?.options).toEqual({ namespace: "tenant-a", topK: 50, returnMetadata: "indexed" });
  });

  it("deletes in batches of at most 1000", async () => {
    const { index, calls } = fakeVectorize();
    const ids = Array.from({ length: 1500 }, (_, position) => `chunk-${position}`);
    await createVectorizeStore(index).deleteByIds("tenant-a", ids);
    expect(calls.deleteByIds.map((batch) => batch.length)).toEqual([1000, 500]);
    await createVectorizeStore(index).deleteByIds("tenant-a", []);
    expect(calls.deleteByIds).toHaveLength(2);
  });
});
