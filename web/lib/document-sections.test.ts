import { describe, expect, it } from "vitest";
import type { DocumentChunkView } from "../../worker/contract";
import { documentSections } from "./document-sections";

function chunk(ordinal: number, text: string, repeated = 0, headingPath = "Guide > Install"): DocumentChunkView {
  return { chunkId: `c${ordinal}`, ordinal, headingPath, page: null, text, repeated };
}

const chunks = [
  chunk(0, "One. Two. Three."),
  chunk(1, "Three. Four. Five.", "Three.".length),
  chunk(2, "Table row", 0),
  chunk(3, "Other section.", 0, "Guide > Use"),
];

const shown = (sections: ReturnType<typeof documentSections>) =>
  sections.map((section) => section.passages.map((passage) => passage.separator + passage.text).join(""));

describe("documentSections", () => {
  it("groups passages by section and shows what they repeat once", () => {
    const sections = documentSections(chunks, null);
    expect(sections.map((section) => [section.headingPath, section.newHeading])).toEqual([
      ["Guide > Install", true],
      ["Guide > Use", true],
    ]);
    expect(shown(sections)).toEqual(["One. Two. Three. Four. Five.\n\nTable row", "Other section."]);
  });

  it("shows the cited passage whole, the passage before it giving up the overlap", () => {
    const sections = documentSections(chunks, "c1");
    expect(shown(sections)).toEqual(["One. Two. Three. Four. Five.\n\nTable row", "Other section."]);
    const cited = sections[0]?.passages.find((passage) => passage.cited);
    expect(cited?.text).toBe("Three. Four. Five.");
  });
});
