import { z } from "zod";

/** A question the server has not (yet) taken: its message id, its text, and why it was not sent, when known. */
export interface UnsentQuestion {
  id: string;
  text: string;
  reason: string | null;
}

const storedSchema = z.array(z.object({ id: z.string(), text: z.string(), reason: z.string().nullable() }));

const storageKey = (conversationId: string) => `edge-rag-chat.unsent.${conversationId}`;

/**
 * The questions of a conversation that the server has not taken, kept in the tab's session storage from the moment
 * one is sent until the server answers it, so that neither a failed request nor a reload loses what was typed.
 */
export function readUnsentQuestions(conversationId: string): UnsentQuestion[] {
  try {
    const stored = window.sessionStorage.getItem(storageKey(conversationId));
    if (stored === null) return [];
    const parsed = storedSchema.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function writeUnsentQuestions(conversationId: string, questions: readonly UnsentQuestion[]): void {
  try {
    if (questions.length === 0) window.sessionStorage.removeItem(storageKey(conversationId));
    else window.sessionStorage.setItem(storageKey(conversationId), JSON.stringify(questions));
  } catch {
    // Without storage the questions still live in the page until it is closed.
  }
}
