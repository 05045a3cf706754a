import { describe, expect, it } from "vitest";
import { maximumQuestionParts, questionParts } from "./question-parts";

describe("questionParts", () => {
  it("keeps a question with one part whole", () => {
    expect(questionParts("  Is alcohol reimbursed?  ")).toEqual(["Is alcohol reimbursed?"]);
    expect(questionParts("What is the capital of France?")).toEqual(["What is the capital of France?"]);
  });

  it("splits a numbered list written inline, leaving out its introduction", () => {
    expect(questionParts("Two questions: 1. Is alcohol reimbursed? 2. Which trains are preferred?")).toEqual([
      "Is alcohol reimbursed?",
      "Which trains are preferred?",
    ]);
  });

  it("splits numbered and bulleted items on their own lines", () => {
    expect(questionParts("Please answer:\n1) hotel limit in capital cities\n2) daily meal allowance")).toEqual([
      "hotel limit in capital cities",
      "daily meal allowance",
    ]);
    expect(questionParts("- Is alcohol reimbursed?\n- Which trains are preferred?")).toEqual([
      "Is alcohol reimbursed?",
      "Which trains are preferred?",
    ]);
  });

  it("does not take numbers out of order, or a single item, for a list", () => {
    expect(questionParts("Is the limit 2. or 3. nights?")).toEqual(["Is the limit 2. or 3. nights?"]);
    expect(questionParts("1. Is alcohol reimbursed?")).toEqual(["1. Is alcohol reimbursed?"]);
  });

  it("splits several questions ending in question marks, and at 'and also'", () => {
    expect(questionParts("Two questions: Is alcohol reimbursed? Which trains are preferred?")).toEqual([
      "Is alcohol reimbursed?",
      "Which trains are preferred?",
    ]);
    expect(questionParts("What is the meal allowance, and also which trains are preferred?")).toEqual([
      "What is the meal allowance",
      "which trains are preferred?",
    ]);
  });

  it("joins a piece without content words to its neighbour", () => {
    expect(questionParts("Is alcohol reimbursed? Why?")).toEqual(["Is alcohol reimbursed? Why?"]);
    expect(questionParts("Why? Is alcohol reimbursed? And which trains are preferred?")).toEqual([
      "Why? Is alcohol reimbursed?",
      "And which trains are preferred?",
    ]);
  });

  it("keeps the parts past the limit together in the last one", () => {
    const question = ["hotels?", "trains?", "meals?", "alcohol?", "receipts?", "flights?"].join(" ");
    const parts = questionParts(question);
    expect(parts).toHaveLength(maximumQuestionParts);
    expect(parts.at(-1)).toBe("alcohol? receipts? flights?");
  });
});
