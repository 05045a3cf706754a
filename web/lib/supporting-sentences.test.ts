import { describe, expect, it } from "vitest";
import { supportingSentences } from "./supporting-sentences";

const passage =
  "Employees book trains through the travel desk. Hotel stays are reimbursed up to 180 euros per night\nin capital cities and 120 euros elsewhere.\n\n- Taxis need a receipt.\n- Meals are not reimbursed.";

const marked = (claims: string[]) =>
  supportingSentences(passage, claims).map((range) => passage.slice(range.start, range.end));

describe("supportingSentences", () => {
  it("finds the sentence an answer quotes", () => {
    expect(marked(["Employees book trains through the travel desk."])).toEqual([
      "Employees book trains through the travel desk.",
    ]);
  });

  it("finds the sentence a paraphrase draws on, and list items as sentences", () => {
    expect(marked(["A night in a capital city is reimbursed up to 180 euros", "You need a receipt for taxis"])).toEqual(
      [
        "Hotel stays are reimbursed up to 180 euros per night\nin capital cities and 120 euros elsewhere.",
        "- Taxis need a receipt.",
      ],
    );
  });

  it("marks nothing for a claim the passage does not make", () => {
    expect(marked(["The office opens at nine on Mondays"])).toEqual([]);
    expect(marked([])).toEqual([]);
  });
});
