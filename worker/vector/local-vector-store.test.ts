import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createLocalVectorStore } from "./local-vector-store";

function unitVector(position: number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, index) => (index === position % dimensions ? 1 : 0.01 * index));
}

describe("createLocalVectorStore", () => {
  it("batches large upserts and keeps namespaces apart", async () => {
    const store = createLocalVectorStore(env.LOCAL_VECTOR_INDEX);
    const tenant = `tenant-${crypto.randomUUID()}`;
    const other = `tenant-${crypto.randomUUID()}`;
    const vectors = Array.from({ length: 2500 }, (_, position) => ({
      id: `chunk-${position}`,
      values: unitVector(position, 8),
      metadata: { documentId: `doc-${position % 3}` },
    }));
    await store.upsert(tenant, vectors);
    await store.upsert(other, [{ id: "elsewhere", values: unitVector(0, 8) }]);

    expect(await env.LOCAL_VECTOR_INDEX.getByName(tenant).describe()).toEqual({ vectorCount: 2500, dimensions: 8 });
    const matches = await store.query(unitVector(0, 8), { namespace: other, topK: 5 });
    expect(matches.map((match) => match.id)).toEqual(["elsewhere"]);
  });

  it("queries with a filter and clamps topK when all metadata is asked for", async () => {
    const store = createLocalVectorStore(env.LOCAL_VECTOR_INDEX);
    const tenant = `tenant-${crypto.randomUUID()}`;
    await store.upsert(
      tenant,
      Array.from({ length: 60 }, (_, position) => ({
        id: `chunk-${position}`,
        values: unitVector(position, 4),
        metadata: { documentId: position % 2 === 0 ? "even" : "odd" },
      })),
    );
    const all = await store.query(unitVector(0, 4), { namespace: tenant, topK: 50, returnMetadata: "all" });
    expect(all).toHaveLength(20);
    expect(all.every((match) => match.metadata !== undefined)).toBe(true);

    const even = await store.query(unitVector(0, 4), {
      namespace: tenant,
      topK: 50,
      filter: { documentId: "even" },
    });
    expect(even).toHaveLength(30);
    expect(even.every((match) => match.metadata === undefined)).toBe(true);
    expect(await store.query(unitVector(0, 4), { namespace: tenant, topK: 3, filter: {} })).toHaveLength(3);

    await store.deleteByIds(
      tenant,
      even.map((match) => match.id),
    );
    const left = await store.query(unitVector(0, 4), { namespace: tenant, topK: 100, returnMetadata: "indexed" });
    expect(left.map((match) => match.metadata?.documentId)).toEqual(Array.from({ length: 30 }, () => "odd"));
  });
});
