import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssues } from "./describe-issues";

describe("describeIssues", () => {
  const schema = z.object({
    message: z.object({ parts: z.array(z.object({ text: z.string().max(3) })) }),
    topK: z.number().max(100),
  });

  it("names each invalid field by its path, as written in JavaScript", () => {
    const result = schema.safeParse({ message: { parts: [{ text: "abcd" }] }, topK: 101 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const description = describeIssues(result.error);
    expect(description).toContain("message.parts[0].text: Too big");
    expect(description).toContain("topK: Too big");
    expect(description).not.toContain("✖");
  });

  it("says how many more issues there are past the first five", () => {
    const result = z.array(z.number()).safeParse(["a", "b", "c", "d", "e", "f", "g"]);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeIssues(result.error)).toMatch(/^\[0\]: .*; and 2 more$/);
  });
});
