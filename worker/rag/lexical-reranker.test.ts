import { describe, expect, it } from "vitest";
import { LexicalReranker } from "./lexical-reranker";

const passage = (title: string, text: string, headingPath = "") => ({ title, headingPath, text });

describe("LexicalReranker", () => {
  const reranker = new LexicalReranker();

  it("prefers the passage whose query terms stand together over one that scatters them", async () => {
    const [scattered, together] = await reranker.score("vitamin D deficiency", [
      passage(
        "Diet survey",
        "Vitamin intake was recorded in every one of the clinics. Much later, cases of iron deficiency were noted.",
      ),
      passage("Diet survey", "Vitamin D deficiency was common among the older patients."),
    ]);
    expect(together).toBeGreaterThan(scattered ?? Number.POSITIVE_INFINITY);
  });

  it("counts the title and headings as fields of their own", async () => {
    const [inTitle, inTextOnly] = await reranker.score("penguin diet", [
      passage("Penguin diet", "A penguin eats krill; its diet is mostly fish."),
      passage("Seabirds", "A penguin eats krill; its diet is mostly fish."),
    ]);
    expect(inTitle).toBeGreaterThan(inTextOnly ?? Number.POSITIVE_INFINITY);
  });

  it("weighs a query term by how rare it is among the candidates", async () => {
    const scores = await reranker.score("protein folding chaperone", [
      passage("A", "Protein folding is studied here."),
      passage("B", "Protein chaperone assists."),
      passage("C", "Protein levels rose."),
      passage("D", "Protein folding again."),
    ]);
    // "chaperone" is in one candidate only, "folding" in two: the rarer term decides more.
    expect(scores[1]).toBeGreaterThan(scores[0] ?? Number.POSITIVE_INFINITY);
    expect(scores[2]).toBeLessThan(scores[0] ?? Number.NEGATIVE_INFINITY);
  });

  it("scores nothing when the query has no content words", async () => {
    expect(await reranker.score("what is it", [passage("A", "What is it?")])).toEqual([0]);
    expect(await reranker.score("penguin", [])).toEqual([]);
  });
});
