import { describe, expect, it } from "vitest";
import { formatSummary, summarize } from "./summarize.ts";

describe("summarize and formatSummary", () => {
  it("counts each change and lists failures with their reasons", () => {
    const summary = summarize([
      { externalId: "a.md", change: "new", failure: null },
      { externalId: "b.md", change: "new", failure: null },
      { externalId: "c.md", change: "updated", failure: null },
      { externalId: "d.md", change: "unchanged", failure: null },
      { externalId: "z.pdf", change: "new", failure: "The PDF has no text layer" },
      { externalId: "e.png", change: "updated", failure: "Unsupported (HTTP 415)" },
    ]);
    expect(summary).toEqual({
      new: 2,
      updated: 1,
      unchanged: 1,
      failed: [
        { externalId: "e.png", reason: "Unsupported (HTTP 415)" },
        { externalId: "z.pdf", reason: "The PDF has no text layer" },
      ],
    });
    expect(formatSummary(summary)).toBe(
      [
        "Summary: 2 new, 1 updated, 1 unchanged, 2 failed",
        "Failed:",
        "  e.png: Unsupported (HTTP 415)",
        "  z.pdf: The PDF has no text layer",
      ].join("\n"),
    );
  });

  it("prints only the counts when nothing failed", () => {
    expect(formatSummary(summarize([]))).toBe("Summary: 0 new, 0 updated, 0 unchanged, 0 failed");
  });
});
