import { describe, expect, it } from "vitest";
import { ConfigurationError, readConfig } from "./config";

describe("readConfig", () => {
  it("parses vars into typed config", () => {
    const config = readConfig({ AUTH_SECRET: "x".repeat(16), DEV_AUTH: "true", EMBEDDING_DIMENSIONS: "384" });
    expect(config.devAuth).toBe(true);
    expect(config.models.embeddingDimensions).toBe(384);
    expect(config.models.provider).toBe("local");
  });

  it("reads the retrieval stages' settings, and refuses ones out of range", () => {
    const secret = { AUTH_SECRET: "x".repeat(16) };
    const config = readConfig({
      ...secret,
      RERANK_MODEL: "none",
      RERANKING: "candidates:20,weight:1.5",
      RETRIEVAL_FEEDBACK: "chunks:4,weight:0.5,terms:12,query:0.7,vector:0",
      FLAT_BM25_WEIGHT: "0.5",
    });
    expect(config.models.rerankModel).toBe("none");
    expect(config.retrieval).toMatchObject({
      flatFullTextWeight: 0.5,
      feedback: { chunks: 4, weight: 0.5, expansionTerms: 12, originalQueryWeight: 0.7, vectorShift: 0 },
      reranking: { candidates: 20, weight: 1.5 },
    });
    expect(() => readConfig({ ...secret, RERANKING: "candidates:2.5,weight:1" })).toThrow();
    expect(() =>
      readConfig({ ...secret, RETRIEVAL_FEEDBACK: "chunks:3,weight:1,terms:10,query:2,vector:0" }),
    ).toThrow();
    expect(() => readConfig({ ...secret, RERANKING: "candidates:20" })).toThrow();
  });

  it("turns rate limits off only where dev auth is on (local benchmarks)", () => {
    const secret = "x".repeat(16);
    expect(readConfig({ AUTH_SECRET: secret }).rateLimits).toBe(true);
    expect(readConfig({ AUTH_SECRET: secret, DEV_AUTH: "true", RATE_LIMITS: "off" }).rateLimits).toBe(false);
    expect(() => readConfig({ AUTH_SECRET: secret, DEV_AUTH: "false", RATE_LIMITS: "off" })).toThrow(
      /RATE_LIMITS=off is for local benchmarks only/,
    );
  });

  it("allows private URLs only in local runs", () => {
    const secret = { AUTH_SECRET: "x".repeat(16) };
    expect(readConfig({ ...secret, DEV_AUTH: "true", ALLOW_PRIVATE_URLS: "true" }).urlFetch).toEqual({
      allowPrivate: true,
      timeoutMs: 30_000,
    });
    expect(readConfig({ ...secret, DEV_AUTH: "false" }).urlFetch.allowPrivate).toBe(false);
    expect(() => readConfig({ ...secret, DEV_AUTH: "false", ALLOW_PRIVATE_URLS: "true" })).toThrow(
      /ALLOW_PRIVATE_URLS is for local runs only/,
    );
  });

  it("says which settings to fix when the vars are not a configuration, and never a secret's value", () => {
    expect(() => readConfig({})).toThrow(ConfigurationError);
    expect(() => readConfig({})).toThrow(/AUTH_SECRET must be set/);
    const invalid = () => readConfig({ AUTH_SECRET: "short-secret", EMBEDDING_DIMENSIONS: "many" });
    expect(invalid).toThrow(/AUTH_SECRET must be set to at least 16 characters/);
    expect(invalid).toThrow(/EMBEDDING_DIMENSIONS/);
    expect(invalid).not.toThrow(/short-secret/);
  });
});
