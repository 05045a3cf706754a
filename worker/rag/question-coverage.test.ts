import { describe, expect, it } from "vitest";
import { questionCoverage, questionTerms, sentenceCoversQuestion } from "./question-coverage";
import { contentTerms } from "./text-tokens";

function where(sentence: string, passage = sentence, context = "") {
  return {
    sentence: new Set(contentTerms(sentence)),
    context: new Set(contentTerms(context)),
    passage: new Set(contentTerms(passage)),
  };
}

const hotels =
  "Hotel stays are reimbursed up to 180 euros per night in capital cities and 120 euros per night elsewhere.";

describe("question coverage", () => {
  it("takes the content words of a question, without stop words or framing", () => {
    expect(questionTerms("Tell me please: how much is the hotel limit?")).toEqual(["hotel", "limit"]);
    expect(questionTerms("What is it?")).toEqual([]);
  });

  it("does not count a sentence that shares one word of two as covering the question", () => {
    const terms = questionTerms("What is the capital of France?");
    expect(questionCoverage(terms, where(hotels))).toBe(0.5);
    expect(sentenceCoversQuestion(terms, where(hotels))).toBe(false);
  });

  it("counts the sentence's headings in full and the rest of its passage by half", () => {
    const terms = questionTerms("How do members authenticate?");
    const sentence = "Both authenticate with a bearer token signed with HS256 that names their tenant and role.";
    const passage = `Members ask questions and search. ${sentence}`;
    expect(questionCoverage(terms, where(sentence, passage))).toBe(0.75);
    expect(sentenceCoversQuestion(terms, where(sentence, passage))).toBe(true);
    expect(questionCoverage(terms, where(sentence, sentence, "Security overview > Members"))).toBe(1);
    expect(sentenceCoversQuestion(terms, where(sentence))).toBe(false);
  });

  it("needs a word of the question in the sentence itself", () => {
    const terms = questionTerms("Which hotels are reimbursed?");
    const sentence = "Breakfast is included in that limit.";
    expect(sentenceCoversQuestion(terms, where(sentence, `${hotels} ${sentence}`))).toBe(false);
    expect(sentenceCoversQuestion(terms, where(hotels))).toBe(true);
  });
});
