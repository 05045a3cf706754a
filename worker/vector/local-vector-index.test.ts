import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SyntheticCorpus } from "../../bench/support/synthetic-corpus";
import { seededRandom } from "../../scripts/lib/seeded-random";
import { embedText } from "../models/hashing-embedder";
import type { LocalVectorIndex } from "./local-vector-index";
import type { VectorFilter, VectorRecord } from "./vector-index";

let namespaceCounter = 0;

/** A fresh index per test, so tests never see each other's vectors. */
function freshIndex() {
  namespaceCounter += 1;
  return env.LOCAL_VECTOR_INDEX.getByName(`local-vector-index-test-${namespaceCounter}-${crypto.randomUUID()}`);
}

/**
 * The message a call on the instance rejects with. Calls go through `runInDurableObject`, not the stub:
 * in the test pool a rejecting stub call also leaks an unhandled rejection (cloudflare/workers-sdk#14736).
 */
async function rejectionOf(
  index: DurableObjectStub<LocalVectorIndex>,
  call: (instance: LocalVectorIndex) => Promise<unknown>,
): Promise<string> {
  return runInDurableObject(index, async (instance) => {
    try {
      await call(instance);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return "no rejection";
  });
}

const compass: VectorRecord[] = [
  { id: "east", values: [1, 0, 0], metadata: { documentId: "doc-1", collection: "maps", rank: 1, public: true } },
  { id: "north-east", values: [0.8, 0.6, 0], metadata: { documentId: "doc-1", collection: "guides", rank: 2 } },
  { id: "north", values: [0, 2, 0], metadata: { documentId: "doc-2", collection: "maps", rank: 3, public: false } },
  { id: "west", values: [-1, 0, 0], metadata: { documentId: "doc-3", collection: "guides", rank: 4 } },
  { id: "bare", values: [0, 0, 1] },
];

async function seededIndex() {
  const index = freshIndex();
  await index.upsert(compass);
  return index;
}

describe("LocalVectorIndex", () => {
  it("upserts, overwrites by id and describes itself", async () => {
    const index = freshIndex();
    expect(await index.describe()).toEqual({ vectorCount: 0, dimensions: null });
    expect(await index.upsert(compass)).toEqual({ count: 5 });
    expect(await index.describe()).toEqual({ vectorCount: 5, dimensions: 3 });

    expect(await index.upsert([{ id: "east", values: [0, 0, -1], metadata: { documentId: "doc-9" } }])).toEqual({
      count: 1,
    });
    expect(await index.describe()).toEqual({ vectorCount: 5, dimensions: 3 });
    expect(await index.getByIds(["east", "missing", "bare", "east"])).toEqual([
      { id: "east", values: [0, 0, -1], metadata: { documentId: "doc-9" } },
      { id: "bare", values: [0, 0, 1] },
    ]);
  });

  it("ranks by cosine similarity, highest first", async () => {
    const index = await seededIndex();
    const matches = await index.query([2, 0, 0], { topK: 5 });
    expect(matches.map((match) => match.id)).toEqual(["east", "north-east", "bare", "north", "west"]);
    const scores = matches.map((match) => match.score);
    expect(scores[0]).toBeCloseTo(1, 6);
    expect(scores[1]).toBeCloseTo(0.8, 6);
    expect(scores[2]).toBeCloseTo(0, 6);
    expect(scores[3]).toBeCloseTo(0, 6);
    expect(scores[4]).toBeCloseTo(-1, 6);
    expect(await index.query([0, 1, 0], { topK: 2 })).toEqual([
      { id: "north", score: expect.closeTo(1, 6) },
      { id: "north-east", score: expect.closeTo(0.6, 6) },
    ]);
  });

  it("finds the same top K as a full sort over many vectors", async () => {
    const index = freshIndex();
    const random = seededRandom(42);
    const vectors = Array.from({ length: 600 }, (_, position) => ({
      id: `v${position}`,
      values: Array.from({ length: 16 }, () => random() * 2 - 1),
    }));
    await index.upsert(vectors);
    const query = Array.from({ length: 16 }, () => random() * 2 - 1);
    const expected = vectors
      .map((vector) => ({ id: vector.id, score: cosine(Float32Array.from(vector.values), Float32Array.from(query)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    const matches = await index.query(query, { topK: 10 });
    expect(matches.map((match) => match.id)).toEqual(expected.map((match) => match.id));
    matches.forEach((match, position) => {
      expect(match.score).toBeCloseTo(expected[position]?.score ?? Number.NaN, 5);
    });
  });

  it("filters with implicit $eq, $eq, $ne, $in and $nin, all conditions ANDed", async () => {
    const index = await seededIndex();
    const idsFor = async (filter: VectorFilter) =>
      (await index.query([1, 0, 0], { topK: 10, filter })).map((match) => match.id).sort();

    expect(await idsFor({ collection: "maps" })).toEqual(["east", "north"]);
    expect(await idsFor({ collection: { $eq: "guides" } })).toEqual(["north-east", "west"]);
    expect(await idsFor({ rank: 3 })).toEqual(["north"]);
    expect(await idsFor({ public: true })).toEqual(["east"]);
    // A vector without the property equals nothing, so it passes $ne and $nin.
    expect(await idsFor({ public: { $ne: true } })).toEqual(["bare", "north", "north-east", "west"]);
    expect(await idsFor({ documentId: { $in: ["doc-1", "doc-3"] } })).toEqual(["east", "north-east", "west"]);
    expect(await idsFor({ documentId: { $nin: ["doc-1", "doc-3"] } })).toEqual(["bare", "north"]);
    expect(await idsFor({ collection: "maps", documentId: { $ne: "doc-1" } })).toEqual(["north"]);
    expect(await idsFor({ rank: "3" })).toEqual([]);
  });

  it("rejects malformed filters", async () => {
    const index = await seededIndex();
    expect(await rejectionOf(index, (instance) => instance.query([1, 0, 0], { topK: 1, filter: {} }))).toMatch(
      /non-empty object/,
    );
    expect(
      await rejectionOf(index, (instance) =>
        instance.query([1, 0, 0], { topK: 1, filter: JSON.parse('{"rank": {"$gt": 1}}') }),
      ),
    ).toMatch(/\$gt.*not supported/);
    expect(
      await rejectionOf(index, (instance) => instance.query([1, 0, 0], { topK: 1, filter: { "a.b": "x" } })),
    ).toMatch(/filter key/);
  });

  it("enforces Vectorize's topK limits", async () => {
    const index = await seededIndex();
    expect(await rejectionOf(index, (instance) => instance.query([1, 0, 0], { topK: 101 }))).toMatch(/at most 100/);
    expect(
      await rejectionOf(index, (instance) => instance.query([1, 0, 0], { topK: 21, returnMetadata: "all" })),
    ).toMatch(/at most 20/);
    expect(await rejectionOf(index, (instance) => instance.query([1, 0, 0], { topK: 0 }))).toMatch(/positive integer/);
    expect(await index.query([1, 0, 0], { topK: 100, returnMetadata: "indexed" })).toHaveLength(5);
    expect(await index.query([1, 0, 0], { topK: 20, returnMetadata: "all" })).toHaveLength(5);
  });

  it("returns metadata only when asked", async () => {
    const index = await seededIndex();
    const [none] = await index.query([1, 0, 0], { topK: 1 });
    expect(none).toEqual({ id: "east", score: expect.closeTo(1, 6) });
    expect(none && "metadata" in none).toBe(false);
    const [explicitNone] = await index.query([1, 0, 0], { topK: 1, returnMetadata: "none" });
    expect(explicitNone && "metadata" in explicitNone).toBe(false);
    for (const returnMetadata of ["indexed", "all"] as const) {
      const [match] = await index.query([1, 0, 0], { topK: 1, returnMetadata });
      expect(match?.metadata).toEqual({ documentId: "doc-1", collection: "maps", rank: 1, public: true });
    }
    const [bare] = await index.query([0, 0, 1], { topK: 1, returnMetadata: "all" });
    expect(bare).toEqual({ id: "bare", score: expect.closeTo(1, 6) });
  });

  it("deletes by id and reports how many existed", async () => {
    const index = await seededIndex();
    expect(await index.deleteByIds(["east", "missing", "east", "west"])).toEqual({ count: 2 });
    expect(await index.describe()).toEqual({ vectorCount: 3, dimensions: 3 });
    const ids = (await index.query([1, 0, 0], { topK: 10 })).map((match) => match.id);
    expect(ids.sort()).toEqual(["bare", "north", "north-east"]);
    expect(await index.getByIds(["east"])).toEqual([]);
  });

  it("forgets its dimension once empty", async () => {
    const index = await seededIndex();
    await index.deleteByIds(compass.map((vector) => vector.id));
    expect(await index.describe()).toEqual({ vectorCount: 0, dimensions: null });
    expect(await index.query([1, 0, 0], { topK: 3 })).toEqual([]);
    await index.upsert([{ id: "wide", values: [1, 2, 3, 4, 5] }]);
    expect(await index.describe()).toEqual({ vectorCount: 1, dimensions: 5 });
  });

  it("keeps its vectors across eviction", async () => {
    const index = await seededIndex();
    await index.deleteByIds(["west"]);
    await index.upsert([{ id: "north", values: [0, -1, 0], metadata: { documentId: "doc-2b" } }]);
    const before = await index.query([0, -1, 0], { topK: 4, returnMetadata: "all" });

    await evictDurableObject(index);
    expect(await index.describe()).toEqual({ vectorCount: 4, dimensions: 3 });
    expect(await index.query([0, -1, 0], { topK: 4, returnMetadata: "all" })).toEqual(before);
    expect(before[0]).toEqual({ id: "north", score: expect.closeTo(1, 6), metadata: { documentId: "doc-2b" } });
    expect(await index.getByIds(["north-east"])).toEqual([
      { id: "north-east", values: [0.800000011920929, 0.6000000238418579, 0], metadata: compass[1]?.metadata },
    ]);
  });

  it("keeps thousands of vectors across eviction, with replaced ones replaced and deleted ones gone", async () => {
    const index = freshIndex();
    const random = seededRandom(8);
    const vectorOf = () => Array.from({ length: 12 }, () => random() * 2 - 1);
    const ids = Array.from({ length: 2600 }, (_, position) => `v${position}`);
    for (let start = 0; start < ids.length; start += 1000) {
      await index.upsert(
        ids.slice(start, start + 1000).map((id) => ({ id, values: vectorOf(), metadata: { documentId: id } })),
      );
    }
    const replaced = ids.filter((_, position) => position % 5 === 0);
    await index.upsert(replaced.map((id) => ({ id, values: vectorOf(), metadata: { documentId: `${id}-new` } })));
    const deleted = ids.filter((_, position) => position % 7 === 0);
    expect(await index.deleteByIds(deleted)).toEqual({ count: deleted.length });
    const query = vectorOf();
    const before = await index.query(query, { topK: 100, returnMetadata: "indexed" });
    const kept = await index.getByIds(ids.slice(0, 50));

    await evictDurableObject(index);
    expect(await index.describe()).toEqual({ vectorCount: ids.length - deleted.length, dimensions: 12 });
    expect(await index.query(query, { topK: 100, returnMetadata: "indexed" })).toEqual(before);
    expect(await index.getByIds(ids.slice(0, 50))).toEqual(kept);
    expect(kept.map((record) => record.id)).toEqual(ids.slice(0, 50).filter((id) => !deleted.includes(id)));
    expect(
      kept.filter((record) => record.metadata?.documentId === `${record.id}-new`).map((record) => record.id),
    ).toEqual(replaced.filter((id) => kept.some((record) => record.id === id)));
    const everyId = (await index.query(query, { topK: 100 })).map((match) => match.id);
    expect(everyId.filter((id) => deleted.includes(id))).toEqual([]);
  });

  it("stores the codes of vectors it stored without them, once, and then answers as before", async () => {
    const index = freshIndex();
    const random = seededRandom(12);
    const vectors = Array.from({ length: 300 }, (_, position) => ({
      id: `v${position}`,
      values: Array.from({ length: 24 }, () => random() * 2 - 1),
      metadata: { documentId: `doc-${position % 4}` },
    }));
    await index.upsert(vectors);
    const query = vectors[0]?.values ?? [];
    const before = await index.query(query, { topK: 20, filter: { documentId: "doc-0" }, returnMetadata: "all" });
    // An index written before the codes had a table of their own holds only the floats.
    await runInDurableObject(index, (_, state) => state.storage.sql.exec("DELETE FROM vector_codes"));

    await evictDurableObject(index);
    expect(await index.query(query, { topK: 20, filter: { documentId: "doc-0" }, returnMetadata: "all" })).toEqual(
      before,
    );
    const codes = await runInDurableObject(
      index,
      (_, state) => state.storage.sql.exec<{ count: number }>("SELECT count(*) AS count FROM vector_codes").one().count,
    );
    expect(codes).toBe(vectors.length);
  });

  it("returns the exact float top 10 of hashed text, though it scans int8 codes", async () => {
    const index = freshIndex();
    const corpus = new SyntheticCorpus(21);
    const vectors: Array<{ id: string; values: number[] }> = [];
    for (let document = 0; vectors.length < 3000; document += 1) {
      corpus
        .document(document, 1)
        .text.split("\n## ")
        .forEach((section, position) => {
          vectors.push({ id: `doc-${document}-${position}`, values: embedText(section, 768) });
        });
    }
    for (let start = 0; start < vectors.length; start += 1000) await index.upsert(vectors.slice(start, start + 1000));
    let found = 0;
    let wanted = 0;
    for (let query = 0; query < 30; query += 1) {
      const values = embedText(query % 2 === 0 ? corpus.question() : corpus.searchQuery(), 768);
      const exact = vectors
        .map(({ id, values: stored }) => ({ id, score: cosine(Float32Array.from(stored), Float32Array.from(values)) }))
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
        .slice(0, 10);
      const matches = await index.query(values, { topK: 10 });
      const ids = new Set(matches.map((match) => match.id));
      found += exact.filter(({ id }) => ids.has(id)).length;
      wanted += exact.length;
      // Rescored with the stored floats: the scores are the exact ones.
      for (const match of matches) {
        const score = exact.find(({ id }) => id === match.id)?.score;
        if (score !== undefined) expect(match.score).toBeCloseTo(score, 5);
      }
    }
    expect(found / wanted).toBeGreaterThanOrEqual(0.98);
  });

  it("stores one small row per vector", async () => {
    const index = await seededIndex();
    const rows = await runInDurableObject(index, (_instance, state) =>
      state.storage.sql
        .exec<{ id: string; bytes: number }>(`SELECT id, length("values") AS bytes FROM vectors ORDER BY id`)
        .toArray(),
    );
    expect(rows).toEqual(["bare", "east", "north", "north-east", "west"].map((id) => ({ id, bytes: 12 })));
  });

  it("rejects vectors whose dimension differs, writing nothing", async () => {
    const index = await seededIndex();
    expect(await rejectionOf(index, (instance) => instance.upsert([{ id: "flat", values: [1, 0] }]))).toMatch(
      /2 dimensions; this index has 3/,
    );
    expect(
      await rejectionOf(index, (instance) =>
        instance.upsert([
          { id: "ok", values: [1, 1, 1] },
          { id: "long", values: [1, 1, 1, 1] },
        ]),
      ),
    ).toMatch(/"long" has 4 dimensions/);
    expect(await rejectionOf(index, (instance) => instance.query([1, 0], { topK: 1 }))).toMatch(
      /2 dimensions; this index has 3/,
    );
    expect(await index.describe()).toEqual({ vectorCount: 5, dimensions: 3 });
    expect(await index.getByIds(["ok"])).toEqual([]);

    const empty = freshIndex();
    expect(
      await rejectionOf(empty, (instance) =>
        instance.upsert([
          { id: "a", values: [1, 0] },
          { id: "b", values: [1, 0, 0] },
        ]),
      ),
    ).toMatch(/"b" has 3 dimensions; this index has 2/);
    expect(await empty.describe()).toEqual({ vectorCount: 0, dimensions: null });
  });

  it("rejects ids over 64 bytes, bad values, oversized metadata and oversized batches", async () => {
    const index = freshIndex();
    expect(await index.upsert([{ id: "x".repeat(64), values: [1] }])).toEqual({ count: 1 });
    expect(await rejectionOf(index, (instance) => instance.upsert([{ id: "é".repeat(33), values: [1] }]))).toMatch(
      /66 bytes/,
    );
    expect(await rejectionOf(index, (instance) => instance.upsert([{ id: "", values: [1] }]))).toMatch(
      /non-empty string/,
    );
    expect(await rejectionOf(index, (instance) => instance.upsert([{ id: "nan", values: [Number.NaN] }]))).toMatch(
      /non-finite/,
    );
    expect(await rejectionOf(index, (instance) => instance.upsert([{ id: "none", values: [] }]))).toMatch(
      /0 dimensions/,
    );
    expect(
      await rejectionOf(index, (instance) =>
        instance.upsert([{ id: "meta", values: [1], metadata: { text: "y".repeat(11_000) } }]),
      ),
    ).toMatch(/metadata/);
    const tooMany = Array.from({ length: 1001 }, (_, position) => ({ id: `v${position}`, values: [1] }));
    expect(await rejectionOf(index, (instance) => instance.upsert(tooMany))).toMatch(/at most 1000/);
    expect(await index.describe()).toEqual({ vectorCount: 1, dimensions: 1 });
  });
});

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, position) => {
    const other = b[position] ?? 0;
    dot += value * other;
    normA += value * value;
    normB += other * other;
  });
  return dot / Math.sqrt(normA * normB);
}
