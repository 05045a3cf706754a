import type { ChatMessage } from "../../worker/contract";

/**
 * Messages as the chat shows them: `thread`, each question with its current answer, and `earlier`, the earlier answers
 * of each regenerated question (by question id, oldest first).
 */
export interface AnswerVersions {
  thread: ChatMessage[];
  earlier: Map<string, ChatMessage[]>;
}

/**
 * Splits messages as the server lists them, where consecutive answers to one question are its versions (the last is
 * current). An answer with no question before it (at the start of a page) stays in the thread. With
 * `anotherVersionFollows`, the last answer is an earlier version too: of an answer the server is still writing (a
 * regeneration the page will resume), or of the answer that starts the next page.
 */
export function splitAnswerVersions(messages: readonly ChatMessage[], anotherVersionFollows = false): AnswerVersions {
  const thread: ChatMessage[] = [];
  const earlier = new Map<string, ChatMessage[]>();
  for (const message of messages) {
    if (message.role === "assistant") setAsideLastAnswer(thread, earlier);
    thread.push(message);
  }
  if (anotherVersionFollows) setAsideLastAnswer(thread, earlier);
  return { thread, earlier };
}

// Moves the thread's last answer, when it follows a question, to that question's earlier answers.
function setAsideLastAnswer(thread: ChatMessage[], earlier: Map<string, ChatMessage[]>): void {
  const last = thread.at(-1);
  const question = thread.at(-2);
  if (last?.role !== "assistant" || question?.role !== "user") return;
  thread.pop();
  earlier.set(question.id, [...(earlier.get(question.id) ?? []), last]);
}

/**
 * An older page of messages to put before `firstLoaded`, the first message already shown: when the pages split the
 * versions of one answer, the older page's last answer is an earlier version of the one shown first.
 */
export function olderPageVersions(older: readonly ChatMessage[], firstLoaded: ChatMessage | undefined): AnswerVersions {
  return splitAnswerVersions(older, firstLoaded?.role === "assistant");
}
