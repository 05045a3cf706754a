import { generateText, type LanguageModel } from "ai";
import type { ConversationTurn } from "./prompt";

export interface StandaloneQueryRequest {
  /** The newest question, as the user asked it. */
  question: string;
  /** The conversation before it, oldest first. */
  history: readonly ConversationTurn[];
  model: LanguageModel;
  /** Whether `model` can rewrite a question (a generative model can; the offline one only quotes its sources). */
  rewritesQueries: boolean;
  abortSignal?: AbortSignal;
}

const condenseInstructions =
  "Rewrite the user's last question as one standalone search query that can be understood without the " +
  "conversation: resolve pronouns and references using the earlier turns. Answer with the query only, on one " +
  "line, in the language of the question. Do not answer the question.";
const turnsToConsider = 6;
const longestQueryCharacters = 500;

/**
 * The search query for the newest question. A follow-up ("and for managers?") only makes sense with what came
 * before: a model that rewrites queries turns it into a standalone one; otherwise the previous question is searched
 * with it. A first question, or a failed rewrite, is searched as asked.
 */
export async function standaloneQuery(request: StandaloneQueryRequest): Promise<string> {
  const earlier = request.history.slice(-turnsToConsider);
  const previousQuestion = earlier.findLast((turn) => turn.role === "user")?.text;
  if (!previousQuestion) return request.question;
  if (!request.rewritesQueries) return `${previousQuestion}\n${request.question}`;

  try {
    const { text } = await generateText({
      model: request.model,
      system: condenseInstructions,
      prompt: [
        ...earlier.map((turn) => `${turn.role === "user" ? "User" : "Assistant"}: ${turn.text}`),
        `User (last question): ${request.question}`,
      ].join("\n\n"),
      maxRetries: 1,
      abortSignal: request.abortSignal,
    });
    const query = text.trim().split("\n")[0]?.trim() ?? "";
    return query.length > 0 && query.length <= longestQueryCharacters ? query : request.question;
  } catch (error) {
    if (request.abortSignal?.aborted) throw error;
    // Retrieval with the question as asked beats no answer at all.
    console.error("Could not condense the follow-up question", error);
    return request.question;
  }
}
