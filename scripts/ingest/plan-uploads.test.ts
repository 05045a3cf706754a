import { describe, expect, it } from "vitest";
import { type HashedFile, planUploads } from "./plan-uploads.ts";

function file(externalId: string, sha256: string, path = `/root/${externalId}`): HashedFile {
  return { path, externalId, size: 10, contentType: "text/markdown", sha256 };
}

describe("planUploads", () => {
  it("classifies files as new, updated or unchanged by external id and SHA-256", () => {
    const plan = planUploads(
      [file("a.md", "1"), file("b.md", "2"), file("c.md", "3"), file("d.md", "4")],
      [
        { externalId: "b.md", sha256: "2", status: "ready" },
        { externalId: "c.md", sha256: "old", status: "ready" },
        { externalId: "d.md", sha256: "4", status: "processing" },
        { externalId: null, sha256: "1", status: "ready" },
        { externalId: "gone.md", sha256: "9", status: "ready" },
      ],
    );
    expect(plan.files.map(({ file, change }) => [file.externalId, change])).toEqual([
      ["a.md", "new"],
      ["b.md", "unchanged"],
      ["c.md", "updated"],
      ["d.md", "unchanged"],
    ]);
    expect(plan.conflicts).toEqual([]);
  });

  it("uploads a file again when its last ingestion failed, even if it is the same", () => {
    const plan = planUploads([file("a.md", "1")], [{ externalId: "a.md", sha256: "1", status: "failed" }]);
    expect(plan.files[0]?.change).toBe("updated");
  });

  it("keeps the first of two files with the same external id and reports the other", () => {
    const first = file("notes.md", "1", "/one/notes.md");
    const second = file("notes.md", "2", "/two/notes.md");
    const plan = planUploads([first, second], []);
    expect(plan.files).toEqual([{ file: first, change: "new" }]);
    expect(plan.conflicts).toEqual([
      { file: second, reason: 'it has the same external id "notes.md" as /one/notes.md' },
    ]);
  });
});
