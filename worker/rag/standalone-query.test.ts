import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { tokenUsage } from "../../test/support/model-doubles";
import { ExtractiveAnswerModel } from "../models/extractive-answer-model";
import { standaloneQuery } from "./standalone-query";

const history = [
  { role: "user" as const, text: "How many days of paid leave do employees get?" },
  { role: "assistant" as const, text: "Employees get 25 days of paid leave [1]." },
];

function rewriting(text: string) {
  return new MockLanguageModelV4({
    doGenerate: {
      content: [{ type: "text", text }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: tokenUsage(40, 8),
      warnings: [],
    },
  });
}

describe("standaloneQuery", () => {
  it("searches a first question as asked, without calling the model", async () => {
    const model = rewriting("unused");
    expect(
      await standaloneQuery({ question: "What is the leave policy?", history: [], model, rewritesQueries: true }),
    ).toBe("What is the leave policy?");
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it("offline, searches a follow-up together with the previous question", async () => {
    const query = await standaloneQuery({
      question: "And for managers?",
      history,
      model: new ExtractiveAnswerModel(),
      rewritesQueries: false,
    });
    expect(query).toBe("How many days of paid leave do employees get?\nAnd for managers?");
  });

  it("with a generative model, has it rewrite the follow-up into a standalone query", async () => {
    const model = rewriting("How many days of paid leave do managers get?\n");
    const query = await standaloneQuery({ question: "And for managers?", history, model, rewritesQueries: true });
    expect(query).toBe("How many days of paid leave do managers get?");
    const prompt = JSON.stringify(model.doGenerateCalls[0]?.prompt);
    expect(prompt).toContain("standalone search query");
    expect(prompt).toContain("User (last question): And for managers?");
    expect(prompt).toContain("Employees get 25 days of paid leave");
  });

  it("falls back to the question as asked when the rewrite fails or is empty", async () => {
    const failing = new MockLanguageModelV4({
      doGenerate: async () => {
        throw new Error("upstream down");
      },
    });
    expect(
      await standaloneQuery({ question: "And for managers?", history, model: failing, rewritesQueries: true }),
    ).toBe("And for managers?");
    expect(
      await standaloneQuery({ question: "And for managers?", history, model: rewriting("  "), rewritesQueries: true }),
    ).toBe("And for managers?");
  });
});
