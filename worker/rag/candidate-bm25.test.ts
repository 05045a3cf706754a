import { describe, expect, it } from "vitest";
import { rankByCandidateBm25 } from "./candidate-bm25";

const passage = (chunkId: string, text: string, title = "") => ({ chunkId, title, headingPath: "", text });
const columnWeights = { title: 2, headingPath: 2, text: 1 };
const fillers = Array.from({ length: 8 }, (_, index) => passage(`filler${index}`, "nothing of note here"));

describe("rankByCandidateBm25", () => {
  it("leaves out passages without any term, and ranks rare terms above common ones", () => {
    const passages = [
      passage("common", "glacier glacier"),
      passage("rare", "moraine"),
      passage("also-common", "glacier"),
      passage("none", "sea ice"),
      ...fillers,
    ];
    const terms = [
      { term: "glacier", weight: 1 },
      { term: "moraine", weight: 1 },
    ];
    expect(rankByCandidateBm25(terms, passages, columnWeights)).toEqual(["rare", "common", "also-common"]);
  });

  it("counts a term's weight, its frequency with saturation, each field's weight, and matches words by stem", () => {
    const passages = [passage("ice", "ice"), passage("glaciers", "many glaciers"), ...fillers];
    expect(
      rankByCandidateBm25(
        [
          { term: "glacier", weight: 0.2 },
          { term: "ice", weight: 0.8 },
        ],
        passages,
        columnWeights,
      ),
    ).toEqual(["ice", "glaciers"]);
    const titled = [passage("text", "glacier retreat"), passage("title", "retreat", "Glacier"), ...fillers];
    expect(rankByCandidateBm25([{ term: "glacier", weight: 1 }], titled, columnWeights)).toEqual(["title", "text"]);
    const longer = [passage("short", "glacier"), passage("long", "glacier and a great many other words"), ...fillers];
    expect(rankByCandidateBm25([{ term: "glacier", weight: 1 }], longer, columnWeights)).toEqual(["short", "long"]);
  });

  it("returns nothing without weighted terms or passages, and keeps the passages' order on ties", () => {
    expect(rankByCandidateBm25([], fillers, columnWeights)).toEqual([]);
    expect(rankByCandidateBm25([{ term: "x", weight: 0 }], [passage("x", "x")], columnWeights)).toEqual([]);
    expect(rankByCandidateBm25([{ term: "x", weight: 1 }], [], columnWeights)).toEqual([]);
    const twins = [passage("first", "glacier"), passage("second", "glacier"), ...fillers];
    expect(rankByCandidateBm25([{ term: "glacier", weight: 1 }], twins, columnWeights)).toEqual(["first", "second"]);
  });
});
