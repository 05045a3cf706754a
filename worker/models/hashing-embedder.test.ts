import { embed, embedMany } from "ai";
import { describe, expect, it } from "vitest";
import { embedText, HashingEmbedder } from "./hashing-embedder";

function cosine(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
}

function norm(vector: number[]): number {
  return Math.sqrt(cosine(vector, vector));
}

describe("embedText", () => {
  it("is deterministic", () => {
    const text = "Durable Objects keep conversation history in SQLite storage.";
    expect(embedText(text, 256)).toEqual(embedText(text, 256));
  });

  it("honours the dimensions and returns unit vectors", () => {
    for (const dimensions of [8, 384, 768, 1536]) {
      const vector = embedText("Vectorize stores embeddings for similarity search.", dimensions);
      expect(vector).toHaveLength(dimensions);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
  });

  it("gives the zero vector for text without words", () => {
    for (const text of ["", "   ", "?!…"]) {
      const vector = embedText(text, 64);
      expect(vector).toHaveLength(64);
      expect(vector.every((value) => value === 0)).toBe(true);
    }
  });

  it("scores related texts above unrelated ones", () => {
    const query = embedText("How do I reset my account password?", 768);
    const related = embedText("To reset a forgotten password, open account settings and choose Reset.", 768);
    const unrelated = embedText("The quarterly revenue grew thanks to strong hardware sales in Europe.", 768);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.1);
  });

  it("matches inflected forms through the stemmer and character n-grams", () => {
    const query = embedText("indexing documents", 768);
    expect(cosine(query, embedText("the document index", 768))).toBeGreaterThan(
      cosine(query, embedText("the weather forecast", 768)),
    );
  });

  it("handles non-Latin scripts", () => {
    const vector = embedText("Сервер хранит документы", 128);
    expect(norm(vector)).toBeCloseTo(1, 5);
    expect(cosine(vector, embedText("документы на сервере", 128))).toBeGreaterThan(0.3);
  });

  it("rejects dimensions that are not positive integers", () => {
    expect(() => embedText("text", 0)).toThrow(RangeError);
    expect(() => new HashingEmbedder({ dimensions: 1.5 })).toThrow(RangeError);
  });
});

describe("HashingEmbedder", () => {
  it("describes itself as the local hashing model", () => {
    const model = new HashingEmbedder();
    expect(model).toMatchObject({
      specificationVersion: "v4",
      provider: "local",
      modelId: "hashing-v1",
      supportsParallelCalls: true,
      dimensions: 768,
    });
  });

  it("returns one embedding per value, in order", async () => {
    const model = new HashingEmbedder({ dimensions: 32 });
    const values = ["first text", "", "third text here"];
    const result = await model.doEmbed({ values });
    expect(result.embeddings).toEqual(values.map((value) => embedText(value, 32)));
    expect(result.usage).toEqual({ tokens: 5 });
  });

  it("works through the AI SDK embed helpers", async () => {
    const model = new HashingEmbedder({ dimensions: 16 });
    const single = await embed({ model, value: "edge retrieval" });
    expect(single.embedding).toEqual(embedText("edge retrieval", 16));
    const many = await embedMany({ model, values: ["a document", "another document"] });
    expect(many.embeddings).toHaveLength(2);
  });
});
