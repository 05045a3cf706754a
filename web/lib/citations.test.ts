import { describe, expect, it } from "vitest";
import { citedClaims } from "./citations";

const known = (index: number) => index >= 1 && index <= 3;

describe("citedClaims", () => {
  it("gives each cited source the sentences that cite it", () => {
    const answer =
      "From your documents:\nHotels are paid up to 180 euros. Trains go through the desk [1]. Laptops arrive on day one [2]. Hotels elsewhere get 120 euros [1].";
    expect(citedClaims(answer, known)).toEqual(
      new Map([
        [1, ["Trains go through the desk", "Hotels elsewhere get 120 euros"]],
        [2, ["Laptops arrive on day one"]],
      ]),
    );
  });

  it("shares a sentence among grouped markers and ignores unknown sources", () => {
    expect(citedClaims("Both teams agree. [1][2] Nobody else [9].", known)).toEqual(
      new Map([
        [1, ["Both teams agree."]],
        [2, ["Both teams agree."]],
      ]),
    );
    expect(citedClaims("- First item [1, 3]\n- Second item [2]", known)).toEqual(
      new Map([
        [1, ["- First item"]],
        [3, ["- First item"]],
        [2, ["- Second item"]],
      ]),
    );
  });

  it("cites nothing in an answer without markers, such as one stopped early", () => {
    expect(citedClaims("The travel policy says that hotel", known)).toEqual(new Map());
  });
});
