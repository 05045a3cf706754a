/**
 * Grounding benchmark: `npm run bench:grounding -- [--url <server>]`.
 *
 * Asks each question of `bench/grounding-questions.json` about the sample documents (the demo tenant a local server
 * seeds) in a conversation of its own, and prints the share of answerable questions answered with their fact (each
 * fact, for a question with two parts) and a citation, and the share of unanswerable ones (near misses included)
 * correctly declined: no citation and `data-grounding` `declined`. Without --url it starts the app itself
 * (`scripts/start.ts`: a production build in workerd, fresh local state, the offline models).
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { StreamReader } from "../client/answer-stream.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { type RunningServer, startServer } from "../scripts/lib/app-server.ts";
import { demoTenant } from "../scripts/seed-samples.ts";
import { type GroundingData, groundingDataSchema } from "../worker/contract.ts";

const { values } = parseArgs({ options: { url: { type: "string" } } });

const questionsSchema = z.object({
  answerable: z.array(z.object({ question: z.string(), fact: z.string(), alsoFact: z.string().optional() })),
  unanswerable: z.array(z.object({ question: z.string(), nearMiss: z.string().nullable() })),
});
const questions = questionsSchema.parse(
  JSON.parse(readFileSync(new URL("grounding-questions.json", import.meta.url), "utf8")),
);

interface Answer {
  text: string;
  citations: number;
  grounding: GroundingData | null;
}

const server: RunningServer | null = values.url ? null : await startServer({ RATE_LIMITS: "off" });
try {
  const baseUrl = values.url ?? server?.baseUrl ?? "";
  const { api } = await connectWithDevToken({ baseUrl }, "member", demoTenant);

  const ask = async (question: string): Promise<Answer> => {
    const id = crypto.randomUUID();
    const response = await api.chat.$post({
      json: { id, message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text: question }] } },
    });
    if (!response.ok) throw new Error(`${question}: ${response.status} ${await response.text()}`);
    const events = (await new StreamReader(response).rest()).events;
    const answer: Answer = { text: "", citations: 0, grounding: null };
    for (const { chunk } of events) {
      if (chunk.type === "text-delta") answer.text += String(chunk.delta);
      else if (chunk.type === "source-document") answer.citations += 1;
      else if (chunk.type === "data-grounding") answer.grounding = groundingDataSchema.parse(chunk.data);
    }
    return answer;
  };

  let answered = 0;
  for (const { question, fact, alsoFact } of questions.answerable) {
    const answer = await ask(question);
    const facts = [fact, ...(alsoFact ? [alsoFact] : [])];
    const right = facts.every((expected) => answer.text.includes(expected)) && answer.citations >= facts.length;
    if (right) answered += 1;
    else console.log(`Not answered right: ${question} (${answer.grounding?.status ?? "no grounding"})`);
  }
  let declined = 0;
  for (const { question } of questions.unanswerable) {
    const answer = await ask(question);
    if (answer.citations === 0 && answer.grounding?.status === "declined") declined += 1;
    else console.log(`Not declined: ${question}\n  ${answer.text.replaceAll("\n", " ")}`);
  }

  const share = (count: number, total: number) => `${count}/${total} (${((100 * count) / total).toFixed(0)}%)`;
  console.log(
    `Answerable questions answered with their fact and a citation: ${share(answered, questions.answerable.length)}`,
  );
  console.log(
    `Unanswerable questions (near misses included) declined: ${share(declined, questions.unanswerable.length)}`,
  );
} finally {
  await server?.stop();
}
