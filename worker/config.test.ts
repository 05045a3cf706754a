import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

describe("readConfig", () => {
  it("parses vars into typed config", () => {
    const config = readConfig({ AUTH_SECRET: "x".repeat(16), DEV_AUTH: "true", EMBEDDING_DIMENSIONS: "384" });
    expect(config.devAuth).toBe(true);
    expect(config.models.embeddingDimensions).toBe(384);
    expect(config.models.provider).toBe("local");
  });
});
