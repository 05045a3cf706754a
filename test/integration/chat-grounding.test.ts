import { describe, expect, it } from "vitest";
import gettingStarted from "../../scripts/sample-documents/getting-started.md?raw";
import ingestionRetries from "../../scripts/sample-documents/ingestion-retries.md?raw";
import securityOverview from "../../scripts/sample-documents/security-overview.md?raw";
import travelPolicy from "../../scripts/sample-documents/travel-policy.md?raw";
import { type DocumentView, type GroundingData, groundingDataSchema } from "../../worker/contract";
import { devToken, postJson, readUiStream, uniqueTenant, waitForDocument } from "../support/api";
import { ask, messageText, savedAnswer } from "../support/chat-stream";

const samples = { gettingStarted, ingestionRetries, securityOverview, travelPolicy };

// The sample documents a local server is seeded with, in a tenant of their own.
async function seedSamples(): Promise<string> {
  const admin = await devToken("admin", uniqueTenant());
  const documents = Object.entries(samples).map(([name, text]) => ({
    externalId: `sample/${name}`,
    title: text.match(/^# (.+)$/m)?.[1] ?? name,
    text,
    contentType: "text/markdown",
  }));
  const response = await postJson("/api/documents/batch", { documents }, admin);
  const { documents: created } = await response.json<{ documents: DocumentView[] }>();
  for (const document of created) expect((await waitForDocument(admin, document.id)).status).toBe("ready");
  return admin;
}

interface Answer {
  text: string;
  cited: string[];
  grounding: GroundingData | undefined;
}

async function answer(token: string, question: string): Promise<Answer> {
  const response = await ask(token, crypto.randomUUID(), question);
  expect(response.status).toBe(200);
  const chunks = await readUiStream(response);
  const grounding = chunks.find((chunk) => chunk.type === "data-grounding");
  return {
    text: chunks.flatMap((chunk) => (chunk.type === "text-delta" ? [String(chunk.delta)] : [])).join(""),
    cited: chunks.flatMap((chunk) => (chunk.type === "source-document" ? [String(chunk.title)] : [])),
    grounding: grounding ? groundingDataSchema.parse(grounding.data) : undefined,
  };
}

describe("grounded answers (offline model, sample documents)", () => {
  it("declines questions the documents do not answer, near misses included, citing nothing", async () => {
    const token = await seedSamples();
    // Each shares words with a sample document ("capital cities", "Cloudflare Queues", "hotel", "trains").
    for (const question of [
      "What is the capital of France?",
      "Who is the CEO of Cloudflare?",
      "Which hotels in Berlin are recommended?",
      "What is the price of a train ticket to Paris?",
    ]) {
      const declined = await answer(token, question);
      expect(declined.cited, question).toEqual([]);
      expect(declined.text, question).not.toMatch(/\[\d+\]/);
      expect(declined.text, question).toContain("do not cover");
      expect(declined.grounding, question).toEqual({ status: "declined", uncoveredParts: [question] });
    }
  });

  it("answers each part of a two-part question with its own citation", async () => {
    const token = await seedSamples();
    const conversationId = crypto.randomUUID();
    const response = await ask(
      token,
      conversationId,
      "Two questions: 1. Is alcohol reimbursed? 2. Which trains are preferred?",
    );
    const chunks = await readUiStream(response);
    expect(chunks.find((chunk) => chunk.type === "data-grounding")?.data).toEqual({
      status: "answered",
      uncoveredParts: [],
    });
    // Stored with the message, so a reload shows it too.
    const saved = await savedAnswer(token, conversationId);
    const text = messageText(saved);
    expect(text).toMatch(/\*\*Is alcohol reimbursed\?\*\* Alcohol is never reimbursed\. \[\d\]/);
    expect(text).toMatch(
      /\*\*Which trains are preferred\?\*\* Trains are preferred for journeys under five hours\. \[\d\]/,
    );
    const citations = [...text.matchAll(/\[(\d)\]/g)].map((match) => match[1]);
    expect(new Set(citations).size).toBe(2);
    expect(saved.parts.find((part) => part.type === "data-grounding")).toMatchObject({
      data: { status: "answered" },
    });
  });

  it("answers the covered part and names the part that is not covered", async () => {
    const token = await seedSamples();
    const partial = await answer(token, "Is alcohol reimbursed? What is the capital of France?");
    expect(partial.text).toContain("Alcohol is never reimbursed.");
    expect(partial.text).toContain("**What is the capital of France?** Your documents do not cover this part.");
    expect(partial.cited).toEqual(["Travel and expenses policy"]);
    expect(partial.grounding).toEqual({ status: "partial", uncoveredParts: ["What is the capital of France?"] });
  });

  it("still answers the questions the sample documents answer", async () => {
    const token = await seedSamples();
    for (const [question, fact] of [
      ["Is alcohol reimbursed?", "Alcohol is never reimbursed."],
      ["How much is a hotel night in capital cities?", "180 euros per night in capital cities"],
      ["What happens after three retries?", "moves the message to the dead-letter queue"],
      ["How do members authenticate?", "bearer token signed with HS256"],
    ] as const) {
      const answered = await answer(token, question);
      expect(answered.text, question).toContain(fact);
      expect(answered.cited.length, question).toBeGreaterThan(0);
      expect(answered.grounding?.status, question).toBe("answered");
    }
  });
});
