// The behaviour every VectorIndex adapter must show, run against each implementation.
import { describe, expect, it } from "vitest";
import type { VectorFilter, VectorIndex, VectorRecord } from "../../worker/vector/vector-index";

// documentId and collection are the properties the app filters on (indexed in Vectorize); rank is not indexed.
const compass: VectorRecord[] = [
  { id: "east", values: [1, 0, 0, 0], metadata: { documentId: "doc-1", collection: "maps", rank: 1 } },
  { id: "north-east", values: [0.8, 0.6, 0, 0], metadata: { documentId: "doc-1", collection: "guides", rank: 2 } },
  { id: "north", values: [0, 1, 0, 0], metadata: { documentId: "doc-2", collection: "maps", rank: 3 } },
  { id: "west", values: [-1, 0, 0, 0], metadata: { documentId: "doc-3", collection: "guides", rank: 4 } },
];

/** What an implementation under test provides: a fresh, empty index per call. */
export interface VectorIndexContractSubject {
  name: string;
  create(): VectorIndex;
  /** Metadata that "indexed" returns for a vector, given all of it. */
  indexedMetadata(metadata: Record<string, string | number | boolean>): Record<string, string | number | boolean>;
}

/** Registers the shared contract tests of the `VectorIndex` port for one implementation. */
export function describeVectorIndexContract(subject: VectorIndexContractSubject): void {
  describe(`VectorIndex contract: ${subject.name}`, () => {
    const seeded = async () => {
      const index = subject.create();
      const namespace = `tenant-${crypto.randomUUID()}`;
      await index.upsert(namespace, compass);
      return { index, namespace };
    };
    const ids = async (index: VectorIndex, namespace: string, filter?: VectorFilter) =>
      (await index.query([1, 0, 0, 0], { namespace, topK: 10, ...(filter ? { filter } : {}) })).map(
        (match) => match.id,
      );

    it("ranks by cosine similarity, highest first, ids only by default", async () => {
      const { index, namespace } = await seeded();
      const matches = await index.query([1, 0, 0, 0], { namespace, topK: 3 });
      expect(matches.map((match) => match.id)).toEqual(["east", "north-east", "north"]);
      expect(matches[0]?.score).toBeCloseTo(1, 5);
      expect(matches[1]?.score).toBeCloseTo(0.8, 5);
      expect(matches.every((match) => match.metadata === undefined)).toBe(true);
    });

    it("keeps namespaces apart", async () => {
      const { index, namespace } = await seeded();
      const other = `tenant-${crypto.randomUUID()}`;
      await index.upsert(other, [{ id: "elsewhere", values: [1, 0, 0, 0], metadata: { documentId: "doc-9" } }]);
      expect(await ids(index, other)).toEqual(["elsewhere"]);
      expect(await ids(index, namespace)).not.toContain("elsewhere");
    });

    it("filters with $eq, $ne, $in and $nin on collection and documentId, conditions ANDed", async () => {
      const { index, namespace } = await seeded();
      expect(await ids(index, namespace, { collection: "maps" })).toEqual(["east", "north"]);
      expect(await ids(index, namespace, { collection: { $eq: "guides" } })).toEqual(["north-east", "west"]);
      expect(await ids(index, namespace, { collection: { $ne: "maps" } })).toEqual(["north-east", "west"]);
      expect(await ids(index, namespace, { documentId: { $in: ["doc-1", "doc-3"] } })).toEqual([
        "east",
        "north-east",
        "west",
      ]);
      expect(await ids(index, namespace, { documentId: { $nin: ["doc-1", "doc-3"] } })).toEqual(["north"]);
      expect(await ids(index, namespace, { collection: "maps", documentId: { $ne: "doc-1" } })).toEqual(["north"]);
      // An empty filter means no conditions (Vectorize itself rejects `{}`; the adapters drop it).
      expect(await ids(index, namespace, {})).toHaveLength(4);
    });

    it("overwrites by id on upsert, values and metadata both", async () => {
      const { index, namespace } = await seeded();
      await index.upsert(namespace, [
        { id: "west", values: [1, 0, 0, 0], metadata: { documentId: "doc-4", collection: "maps" } },
      ]);
      const matches = await index.query([1, 0, 0, 0], { namespace, topK: 2, returnMetadata: "indexed" });
      expect(matches.map((match) => match.id).sort()).toEqual(["east", "west"]);
      expect(matches.find((match) => match.id === "west")?.metadata).toEqual({
        documentId: "doc-4",
        collection: "maps",
      });
      expect(await ids(index, namespace)).toHaveLength(4);
    });

    it("deletes by id, ignoring unknown ids", async () => {
      const { index, namespace } = await seeded();
      await index.deleteByIds(namespace, ["east", "missing"]);
      expect(await ids(index, namespace)).toEqual(["north-east", "north", "west"]);
    });

    it("returns metadata per returnMetadata: none, indexed or all", async () => {
      const { index, namespace } = await seeded();
      const query = (returnMetadata: "none" | "indexed" | "all") =>
        index.query([1, 0, 0, 0], { namespace, topK: 1, returnMetadata });
      expect((await query("none"))[0]?.metadata).toBeUndefined();
      const all = compass[0]?.metadata ?? {};
      expect((await query("indexed"))[0]?.metadata).toEqual(subject.indexedMetadata(all));
      expect((await query("all"))[0]?.metadata).toEqual(all);
    });

    it("answers up to 100 ids, and at most 20 matches with all metadata", async () => {
      const index = subject.create();
      const namespace = `tenant-${crypto.randomUUID()}`;
      const many = Array.from({ length: 150 }, (_, position) => ({
        id: `v${position}`,
        values: [1, position / 150, 0, 1],
        metadata: { documentId: `doc-${position}` },
      }));
      await index.upsert(namespace, many);
      expect(await index.query([1, 0, 0, 1], { namespace, topK: 100, returnMetadata: "none" })).toHaveLength(100);
      expect(await index.query([1, 0, 0, 1], { namespace, topK: 100, returnMetadata: "indexed" })).toHaveLength(100);
      expect(await index.query([1, 0, 0, 1], { namespace, topK: 50, returnMetadata: "all" })).toHaveLength(20);
      await expect(index.query([1, 0, 0, 1], { namespace, topK: 101 })).rejects.toThrow(/100/);
    });
  });
}
