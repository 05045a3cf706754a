import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import { describe, expect, it } from "vitest";
import groundingQuestions from "../../bench/grounding-questions.json";
import gettingStarted from "../../scripts/sample-documents/getting-started.md?raw";
import ingestionRetries from "../../scripts/sample-documents/ingestion-retries.md?raw";
import securityOverview from "../../scripts/sample-documents/security-overview.md?raw";
import travelPolicy from "../../scripts/sample-documents/travel-policy.md?raw";
import { buildAnswerPrompt } from "../rag/prompt";
import { questionParts } from "../rag/question-parts";
import type { RetrievedChunk } from "../rag/retrieved-chunk";
import {
  canQuote,
  composeExtractiveAnswer,
  ExtractiveAnswerModel,
  extractiveAnswerHeading,
  notFoundAnswer,
  uncoveredPartAnswer,
} from "./extractive-answer-model";

function chunk(title: string, text: string): RetrievedChunk {
  return { chunkId: title, documentId: title, externalId: null, title, headingPath: "", text, score: 1 };
}

const sources = [
  chunk(
    "Billing",
    "Invoices are sent on the first day of each month. Refunds for annual plans are accepted within 30 days of " +
      "purchase. Monthly plans can be cancelled at any time.",
  ),
  chunk(
    "Security",
    "# Passwords\n\nPasswords must be at least 12 characters long. To reset a forgotten password, open the " +
      "account settings and choose Reset password. A reset link is emailed to you and expires after one hour.",
  ),
  chunk("Office", "The Berlin office is open from nine to five on weekdays. Visitors sign in at the front desk."),
];

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe("ExtractiveAnswerModel", () => {
  it("streams a cited answer through streamText, many deltas long", async () => {
    const prompt = buildAnswerPrompt({ question: "How do I reset my password?", history: [], sources });
    const result = streamText({ model: new ExtractiveAnswerModel(), ...prompt });

    const deltas = await collect(result.textStream);
    const text = deltas.join("");
    expect(deltas.length).toBeGreaterThan(10);
    expect(text.startsWith(`${extractiveAnswerHeading}\n\n`)).toBe(true);
    expect(text).toContain("To reset a forgotten password, open the account settings and choose Reset password. [2]");
    expect(text).not.toContain("[1]");
    expect(text).not.toContain("[3]");
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.outputTokens).toBe(text.split(/\s+/).length);
    expect(usage.inputTokens).toBeGreaterThan(100);
  });

  it("answers the last user message, not earlier ones", async () => {
    const prompt = buildAnswerPrompt({
      question: "When is the Berlin office open?",
      history: [
        { role: "user", text: "How do I reset my password?" },
        { role: "assistant", text: "Open the account settings [2]." },
      ],
      sources,
    });
    const { text } = await generateText({ model: new ExtractiveAnswerModel(), ...prompt });
    expect(text).toContain("The Berlin office is open from nine to five on weekdays. [3]");
    expect(text).not.toContain("[2]");
  });

  it("returns the same text from doGenerate as from doStream", async () => {
    const prompt = buildAnswerPrompt({ question: "What is the refund policy for annual plans?", history: [], sources });
    const generated = await generateText({ model: new ExtractiveAnswerModel(), ...prompt });
    const streamed = streamText({ model: new ExtractiveAnswerModel(), ...prompt });
    expect(generated.text).toBe(await streamed.text);
    expect(generated.text).toContain("Refunds for annual plans are accepted within 30 days of purchase. [1]");
  });

  it("says it could not find the answer when nothing overlaps", async () => {
    const unrelated = buildAnswerPrompt({ question: "Which GPU trains transformers fastest?", history: [], sources });
    expect((await generateText({ model: new ExtractiveAnswerModel(), ...unrelated })).text).toBe(notFoundAnswer);

    const empty = buildAnswerPrompt({ question: "How do I reset my password?", history: [], sources: [] });
    const result = streamText({ model: new ExtractiveAnswerModel(), ...empty });
    expect(await result.text).toBe(notFoundAnswer);
  });

  it("emits the v4 stream parts in order", async () => {
    const prompt = buildAnswerPrompt({ question: "How long must passwords be?", history: [], sources });
    const { stream } = await new ExtractiveAnswerModel().doStream({
      prompt: [
        { role: "system", content: prompt.system },
        { role: "user", content: [{ type: "text", text: "How long must passwords be?" }] },
      ],
    });
    const parts: LanguageModelV4StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    const types = parts.map((part) => part.type);
    expect(types.slice(0, 2)).toEqual(["stream-start", "text-start"]);
    expect(types.slice(-2)).toEqual(["text-end", "finish"]);
    expect(types.slice(2, -2).every((type) => type === "text-delta")).toBe(true);
  });

  it("stops streaming when aborted", async () => {
    const prompt = buildAnswerPrompt({ question: "How do I reset my password?", history: [], sources });
    const controller = new AbortController();
    let aborted = false;
    const result = streamText({
      model: new ExtractiveAnswerModel({ delayMs: 5 }),
      ...prompt,
      abortSignal: controller.signal,
      onAbort: () => {
        aborted = true;
      },
    });

    const deltas: string[] = [];
    for await (const delta of result.textStream) {
      deltas.push(delta);
      if (deltas.length === 3) controller.abort();
    }
    expect(aborted).toBe(true);
    expect(deltas.length).toBeLessThan(6);
  });
});

describe("composeExtractiveAnswer", () => {
  const longSources = [
    {
      id: 1,
      title: "Deploy guide",
      section: "",
      text:
        "Deploy the worker with wrangler deploy from the project folder. Deploy again after changing wrangler.toml. " +
        "Deploy the worker with wrangler deploy from the project folder.",
    },
    { id: 2, title: "CI", section: "", text: "The CI pipeline runs wrangler deploy to deploy the worker on merge." },
  ];

  it("reads a sentence in the light of its title and section, as a reader would", () => {
    const answer = composeExtractiveAnswer("How do ingestion retries work?", [
      {
        id: 1,
        title: "How ingestion retries work",
        section: "Retries and backoff",
        text: "When a step fails, the message is retried with exponential backoff. Uploads return at once.",
      },
    ]);
    expect(answer).toContain("the message is retried with exponential backoff. [1]");
    expect(answer).not.toContain("Uploads return at once");
  });

  it("does not answer from a title alone when no sentence matches", () => {
    const answer = composeExtractiveAnswer("How do ingestion retries work?", [
      { id: 1, title: "How ingestion retries work", section: "", text: "The canteen opens at noon every day." },
    ]);
    expect(answer).toBe(notFoundAnswer);
  });

  it("cites several sources without repeating a sentence", () => {
    const answer = composeExtractiveAnswer("How do I deploy the worker with wrangler?", longSources);
    expect(answer).toContain("[1]");
    expect(answer).toContain("[2]");
    const sentence = "Deploy the worker with wrangler deploy from the project folder.";
    expect(answer.split(sentence)).toHaveLength(2);
  });

  it("drops bracketed numbers from the documents so they cannot pose as citations", () => {
    const answer = composeExtractiveAnswer("What did the study of sparse retrieval find?", [
      {
        id: 4,
        title: "Paper",
        section: "",
        text: "The study of sparse retrieval found strong recall [12, 13] on long queries [7].",
      },
    ]);
    expect(answer).toBe(
      `${extractiveAnswerHeading}\n\nThe study of sparse retrieval found strong recall on long queries. [4]`,
    );
  });

  it("keeps the answer short", () => {
    const filler = (index: number) => Array.from({ length: 30 }, (_, word) => `filler${index}x${word}`).join(" ");
    const sentence = (index: number) => `Retrieval step ${index} ranks passages by query terms, ${filler(index)}.`;
    const text = Array.from({ length: 30 }, (_, index) => sentence(index)).join(" ");
    const answer = composeExtractiveAnswer("How are passages ranked in retrieval?", [
      { id: 1, title: "Ranking", section: "", text },
      { id: 2, title: "More ranking", section: "", text },
    ]);
    expect(answer.match(/\[\d\]/g)?.length).toBeLessThanOrEqual(4);
    expect(answer.split(/\s+/).length).toBeLessThan(200);
  });

  describe("grounding", () => {
    const hotels = {
      id: 1,
      title: "Travel and expenses policy",
      section: "Hotels",
      text: "Hotel stays are reimbursed up to 180 euros per night in capital cities and 120 euros per night elsewhere. Breakfast is included in that limit.",
    };
    const travel = [
      hotels,
      {
        id: 2,
        title: "Travel and expenses policy",
        section: "Meals and per diem",
        text: "The daily meal allowance is 45 euros. Alcohol is never reimbursed.",
      },
      {
        id: 3,
        title: "Travel and expenses policy",
        section: "Booking",
        text: "Trains are preferred for journeys under five hours.",
      },
    ];

    it("declines a question that only shares a word with a sentence", () => {
      expect(composeExtractiveAnswer("What is the capital of France?", travel)).toBe(notFoundAnswer);
      expect(canQuote("What is the capital of France?", hotels)).toBe(false);
      expect(canQuote("How much is a hotel night in capital cities?", hotels)).toBe(true);
    });

    it("answers each part of a question with its own citation", () => {
      const answer = composeExtractiveAnswer(
        "Two questions: 1. Is alcohol reimbursed? 2. Which trains are preferred?",
        travel,
      );
      expect(answer).toBe(
        `${extractiveAnswerHeading}\n\n**Is alcohol reimbursed?** Alcohol is never reimbursed. [2]\n\n` +
          "**Which trains are preferred?** Trains are preferred for journeys under five hours. [3]",
      );
    });

    it("says which part of a question the documents do not cover", () => {
      const answer = composeExtractiveAnswer("Is alcohol reimbursed? What is the capital of France?", travel);
      expect(answer).toBe(
        `${extractiveAnswerHeading}\n\n**Is alcohol reimbursed?** Alcohol is never reimbursed. [2]\n\n` +
          `**What is the capital of France?** ${uncoveredPartAnswer}`,
      );
    });

    // canQuote rules out most sources on the whole passage before splitting it into sentences: it must say what
    // the model would, for every question of the grounding benchmark about every section of the sample documents.
    it("judges each source as the model answers from it alone", () => {
      const sections = [gettingStarted, ingestionRetries, securityOverview, travelPolicy].flatMap((document) => {
        const title = document.split("\n")[0]?.replace(/^#\s*/, "") ?? "";
        return document.split(/\n(?=## )/).map((text) => ({ id: 1, title, section: text.split("\n")[0] ?? "", text }));
      });
      const questions = [...groundingQuestions.answerable, ...groundingQuestions.unanswerable]
        .map((entry) => entry.question)
        .filter((question) => questionParts(question).length === 1);
      let quotable = 0;
      for (const question of questions) {
        for (const section of sections) {
          const answered = composeExtractiveAnswer(question, [section]) !== notFoundAnswer;
          expect(canQuote(question, section), `${question} / ${section.section}`).toBe(answered);
          if (answered) quotable += 1;
        }
      }
      expect(questions.length).toBeGreaterThan(20);
      expect(quotable).toBeGreaterThan(10);
      expect(quotable).toBeLessThan((questions.length * sections.length) / 2);
    });

    it("quotes a sentence whose citation marker joined two words the passage has apart", () => {
      const source = { id: 1, title: "Notes", section: "", text: "The cache[2]limit is ten entries per tenant." };
      expect(composeExtractiveAnswer("What is the cachelimit?", [source])).not.toBe(notFoundAnswer);
      expect(canQuote("What is the cachelimit?", source)).toBe(true);
    });
  });
});
