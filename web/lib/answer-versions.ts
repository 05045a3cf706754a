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
 * current). An answer with no question before it (at the start of a page) stays in the thread.
 */
export function splitAnswerVersions(messages: readonly ChatMessage[]): AnswerVersions {
  const thread: ChatMessage[] = [];
  const earlier = new Map<string, ChatMessage[]>();
  for (const message of messages) {
    const previous = thread.at(-1);
    const question = thread.at(-2);
    if (message.role === "assistant" && previous?.role === "assistant" && question?.role === "user") {
      earlier.set(question.id, [...(earlier.get(question.id) ?? []), previous]);
      thread[thread.length - 1] = message;
    } else {
      thread.push(message);
    }
  }
  return { thread, earlier };
}

/**
 * An older page of messages to put before `firstLoaded`, the first message already shown: when the pages split the
 * versions of one answer, the older page's last answer is an earlier version of the one shown first.
 */
export function olderPageVersions(older: readonly ChatMessage[], firstLoaded: ChatMessage | undefined): AnswerVersions {
  const { thread, earlier } = splitAnswerVersions(older);
  const last = thread.at(-1);
  const question = thread.at(-2);
  if (firstLoaded?.role === "assistant" && last?.role === "assistant" && question?.role === "user") {
    thread.pop();
    earlier.set(question.id, [...(earlier.get(question.id) ?? []), last]);
  }
  return { thread, earlier };
}
