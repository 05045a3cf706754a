import type { ChatMessage } from "../contract";
import { messageText } from "../rag/answer-stream";
import type { ConversationTurn } from "../rag/prompt";

// Tokens of earlier conversation that go into a prompt, besides the sources and the question.
const historyTokenBudget = 2000;

/** About four characters a token for English prose; no tokenizer runs in the Worker, and an estimate is enough here. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The latest turns of a conversation that fit in `budgetTokens`, oldest first. Messages are read newest first and
 * reading stops at the first one that does not fit, so the window is always an unbroken tail of the conversation and
 * a long conversation is never read whole. Failed answers are left out (their partial text is noise to the model),
 * and so is an answer whose question did not fit, and the earlier versions of a regenerated answer (an answer
 * followed by another answer).
 */
export async function historyWindow(
  newestFirst: AsyncIterable<ChatMessage> | Iterable<ChatMessage>,
  budgetTokens = historyTokenBudget,
): Promise<ConversationTurn[]> {
  const turns: ConversationTurn[] = [];
  let used = 0;
  let newerRole: string | null = null;
  for await (const message of newestFirst) {
    if (message.role !== "user" && message.role !== "assistant") continue;
    const isEarlierVersion = message.role === "assistant" && newerRole === "assistant";
    newerRole = message.role;
    if (isEarlierVersion) continue;
    if (message.role === "assistant" && message.metadata?.status === "errored") continue;
    const text = messageText(message);
    if (text.length === 0) continue;
    used += estimateTokens(text);
    if (used > budgetTokens) break;
    turns.push({ role: message.role, text });
  }
  turns.reverse();
  while (turns[0]?.role === "assistant") turns.shift();
  return turns;
}
