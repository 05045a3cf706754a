import { describe, expect, it } from "vitest";
import { SyntheticCorpus } from "../../bench/support/synthetic-corpus";
import { seededRandom } from "../../scripts/lib/seeded-random";
import { embedText } from "../models/hashing-embedder";
import { cosineSimilarity } from "./cosine-similarity";
import { quantizeVector } from "./int8-quantization";
import { QuantizedMatrix } from "./quantized-matrix";

const accepted = () => true;

/** The ids of the `k` vectors closest to `query` by exact float cosine similarity, ties by id. */
function exactTopK(vectors: Map<string, Float32Array>, query: Float32Array, k: number): string[] {
  return [...vectors]
    .map(([id, values]) => ({ id, score: cosineSimilarity(query, values) }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map(({ id }) => id);
}

/** Sections of generated handbooks, as the app embeds them with the offline model (768 dimensions). */
function hashedSections(count: number, seed: number): Map<string, Float32Array> {
  const corpus = new SyntheticCorpus(seed);
  const vectors = new Map<string, Float32Array>();
  for (let document = 0; vectors.size < count; document += 1) {
    corpus
      .document(document, 1)
      .text.split("\n## ")
      .forEach((section, position) => {
        if (vectors.size < count)
          vectors.set(`doc-${document}-${position}`, Float32Array.from(embedText(section, 768)));
      });
  }
  return vectors;
}

describe("QuantizedMatrix", () => {
  it("proposes nearly the exact top 10 on hashed text, and its pool of 40 holds all of them", () => {
    const vectors = hashedSections(3000, 5);
    const matrix = new QuantizedMatrix();
    for (const [id, values] of vectors) matrix.set(id, quantizeVector(values), null);
    const corpus = new SyntheticCorpus(6);
    let inTop10 = 0;
    let inPool = 0;
    let wanted = 0;
    for (let query = 0; query < 40; query += 1) {
      const text = query % 2 === 0 ? corpus.question() : corpus.searchQuery();
      const values = Float32Array.from(embedText(text, 768));
      const exact = exactTopK(vectors, values, 10);
      const top10 = new Set(matrix.candidates(values, 10, accepted).map((candidate) => candidate.id));
      const pool = new Set(matrix.candidates(values, 40, accepted).map((candidate) => candidate.id));
      inTop10 += exact.filter((id) => top10.has(id)).length;
      inPool += exact.filter((id) => pool.has(id)).length;
      wanted += exact.length;
    }
    // The handbooks repeat their sentences, so near ties are many: int8 codes swap a few of them at the edge.
    expect(inTop10 / wanted).toBeGreaterThanOrEqual(0.95);
    expect(inPool / wanted).toBe(1);
  });

  it("approximates cosine similarity within a few thousandths, and scores zero vectors 0", () => {
    const random = seededRandom(3);
    const matrix = new QuantizedMatrix();
    const vectors = new Map<string, Float32Array>();
    for (let position = 0; position < 200; position += 1) {
      const values = Float32Array.from({ length: 64 }, () => (random() * 2 - 1) * 1e30);
      vectors.set(`v${position}`, values);
      matrix.set(`v${position}`, quantizeVector(values), null);
    }
    matrix.set("zero", quantizeVector(new Float32Array(64)), null);
    const query = Float32Array.from({ length: 64 }, () => random() * 2 - 1);
    const candidates = matrix.candidates(query, 201, accepted);
    expect(candidates).toHaveLength(201);
    for (const { id, approximateScore } of candidates) {
      const values = vectors.get(id);
      expect(Math.abs(approximateScore - (values ? cosineSimilarity(query, values) : 0))).toBeLessThan(0.01);
    }
    expect(matrix.candidates(new Float32Array(64), 3, accepted).map((candidate) => candidate.approximateScore)).toEqual(
      [0, 0, 0],
    );
  });

  it("replaces by id, deletes across blocks and shares metadata, filtering per distinct metadata", () => {
    const matrix = new QuantizedMatrix();
    const vectors = new Map<string, Float32Array>();
    const random = seededRandom(11);
    for (let position = 0; position < 2500; position += 1) {
      const values = Float32Array.from({ length: 8 }, () => random() * 2 - 1);
      vectors.set(`v${position}`, values);
      matrix.set(`v${position}`, quantizeVector(values), JSON.stringify({ documentId: `doc-${position % 7}` }));
    }
    // Replacing moves a vector and its metadata; deleting from the first blocks moves rows from the last.
    const east = Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0]);
    matrix.set("v5", quantizeVector(east), JSON.stringify({ documentId: "doc-east" }));
    vectors.set("v5", east);
    for (let position = 0; position < 2500; position += 3) {
      expect(matrix.delete(`v${position}`)).toBe(true);
      vectors.delete(`v${position}`);
    }
    expect(matrix.delete("v0")).toBe(false);
    expect(matrix.size).toBe(vectors.size);
    expect(matrix.has("v5")).toBe(true);
    expect(matrix.has("v6")).toBe(false);

    const [best] = matrix.candidates(east, 1, accepted);
    expect(best).toEqual({ id: "v5", approximateScore: expect.closeTo(1, 3), metadata: { documentId: "doc-east" } });
    const query = Float32Array.from({ length: 8 }, () => random() * 2 - 1);
    const onlyDoc2 = matrix.candidates(query, 50, (metadata) => metadata?.documentId === "doc-2");
    expect(onlyDoc2).toHaveLength(50);
    expect(onlyDoc2.every((candidate) => Number(candidate.id.slice(1)) % 7 === 2)).toBe(true);
    const exact = exactTopK(new Map([...vectors].filter(([id]) => Number(id.slice(1)) % 7 === 2)), query, 10);
    const found = new Set(onlyDoc2.map((candidate) => candidate.id));
    expect(exact.filter((id) => found.has(id))).toEqual(exact);

    for (const id of vectors.keys()) matrix.delete(id);
    expect(matrix.size).toBe(0);
    expect(matrix.dimensions).toBeNull();
    expect(matrix.candidates(east, 5, accepted)).toEqual([]);
  });
});
