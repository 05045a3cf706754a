import { useChat } from "@ai-sdk/react";
import { APICallError, type ChatOnFinishCallback, type ChatTransport, DefaultChatTransport, generateId } from "ai";
import { useCallback, useEffect, useRef, useState } from "react";
import { describeError } from "../../client/api-error";
import type { ChatMessage, RetrievalFilter } from "../../worker/contract";
import { fetchWithAuthRecovery, getConversation, serverReachability, stopAnswer } from "../lib/api";
import { messageText } from "../lib/chat-message";
import { isNetworkFailure } from "../lib/server-reachability";
import { authorizationHeaders } from "../lib/token-store";
import { readUnsentQuestions, type UnsentQuestion, writeUnsentQuestions } from "../lib/unsent-questions";

type ReconnectOptions = Parameters<ChatTransport<ChatMessage>["reconnectToStream"]>[0];

// The chat transport of this app: sends only the new message (the server keeps the conversation), and resumes from
// `GET /api/chat/:id/stream`, telling the page when the server had no answer to resume.
class ConversationTransport extends DefaultChatTransport<ChatMessage> {
  constructor(
    private readonly onNothingToResume: () => void,
    filter: () => RetrievalFilter | undefined,
  ) {
    super({
      api: "/api/chat",
      headers: () => authorizationHeaders(),
      fetch: fetchWithAuthRecovery,
      // A regenerated answer is sent as its question again, with the trigger that keeps the earlier answer.
      prepareSendMessagesRequest: ({ id, messages, trigger }) => ({
        body: { id, message: messages.at(-1), filter: filter(), trigger },
      }),
    });
  }

  override async reconnectToStream(options: ReconnectOptions) {
    const stream = await super.reconnectToStream(options);
    if (stream === null) this.onNothingToResume();
    return stream;
  }
}

/** What an answer cut off on the way to the page says about itself until the page loads the server's copy. */
const connectionLostReason = "the connection to the server was lost before it was complete.";

export interface ConversationChatOptions {
  /** Called when an answer ends, however it ended (complete, stopped, failed). */
  onAnswerEnd?: () => void;
  /** Called when a resume finds no answer on the server, e.g. because it finished just before. */
  onNothingToResume?: () => void;
  /** What questions are answered from (a document, a collection); the whole library when absent. */
  filter?: RetrievalFilter | undefined;
  /** Loads the conversation again from the server (its copy of an answer this page lost track of). */
  onRefresh?: () => void;
  /** A Regenerate request failed before a new answer began: the answer to `questionId` is the latest one again. */
  onRegenerateFailed?: (questionId: string) => void;
}

/** A question on its way to the server: it stays among the unsent ones (and in session storage) until answered. */
interface PendingQuestion extends UnsentQuestion {
  sending: boolean;
}

/**
 * The chat of one conversation, on the AI SDK's `useChat`, started from its stored messages. The server writes each
 * answer whatever the page does: on load the page resumes an answer in progress (`resume: true`), and Stop stops the
 * answer on the server, which then ends the stream itself with the text written so far.
 *
 * Failures leave the user able to go on: a question the server did not take (unreachable, busy with another answer,
 * refused) moves out of the conversation into `unsent`, with the reason, until it is retried or discarded; unsent
 * questions are kept in session storage, so a reload does not lose them. An answer whose stream ends without the
 * server's `finish` (the connection dropped, the server died) is marked errored at once, and can be retried. A
 * Regenerate the server did not take puts the answer it was to replace back in place.
 */
export function useConversationChat(
  conversationId: string,
  initialMessages: ChatMessage[],
  options: ConversationChatOptions = {},
) {
  const latestOptions = useRef(options);
  latestOptions.current = options;
  const [transport] = useState(
    () =>
      new ConversationTransport(
        () => latestOptions.current.onNothingToResume?.(),
        () => latestOptions.current.filter,
      ),
  );
  const [pending, setPending] = useState<PendingQuestion[]>(() => {
    const onServer = new Set(initialMessages.map((message) => message.id));
    return readUnsentQuestions(conversationId)
      .filter((question) => !onServer.has(question.id))
      .map((question) => ({ ...question, sending: false }));
  });
  const pendingNow = useRef(pending);
  // Written to storage at once, not in an effect: a change can come just before the session is replaced.
  const updatePending = useCallback(
    (change: (current: PendingQuestion[]) => PendingQuestion[]) => {
      const next = change(pendingNow.current);
      pendingNow.current = next;
      writeUnsentQuestions(
        conversationId,
        next.map(({ id, text, reason }) => ({ id, text, reason })),
      );
      setPending(next);
    },
    [conversationId],
  );
  // The question whose request is under way, and the error its request failed with (set before `onFinish` runs).
  const sendingId = useRef<string | null>(null);
  // The answer a Regenerate request under way is to replace, and its question's id.
  const regenerating = useRef<{ questionId: string; previous: ChatMessage } | null>(null);
  const failure = useRef<unknown>(null);
  const controls = useRef<{ setMessages: (messages: ChatMessage[]) => void; clearError: () => void } | null>(null);

  // Questions the server has taken since they were stored (their ids are among its messages) are dropped.
  useEffect(() => updatePending((current) => current), [updatePending]);

  const onFinish: ChatOnFinishCallback<ChatMessage> = ({ messages, isAbort, isDisconnect, isError }) => {
    latestOptions.current.onAnswerEnd?.();
    const error = failure.current;
    failure.current = null;
    const questionId = sendingId.current;
    sendingId.current = null;
    const regenerated = regenerating.current;
    regenerating.current = null;
    if (isDisconnect) serverReachability.markUnreachable();
    const last = messages.at(-1);
    if (regenerated !== null && last?.role === "user" && last.id === regenerated.questionId && isError) {
      // The server did not take the Regenerate: the answer it was to replace is still the latest.
      controls.current?.setMessages([...messages, regenerated.previous]);
      latestOptions.current.onRegenerateFailed?.(regenerated.questionId);
      if (APICallError.isInstance(error) && error.statusCode === 409) latestOptions.current.onRefresh?.();
      return;
    }
    if (last?.role === "user" && last.id === questionId && isError) {
      // The server did not take the question: it leaves the conversation and waits among the unsent ones.
      const reason = isNetworkFailure(error) ? "the server could not be reached." : describeError(error);
      const text = messageText(last);
      updatePending((current) => [
        ...current.filter((question) => question.id !== last.id),
        { id: last.id, text, reason, sending: false },
      ]);
      controls.current?.setMessages(messages.slice(0, -1));
      controls.current?.clearError();
      // Another tab's answer is under way in this conversation: load it, so this page follows it too.
      if (APICallError.isInstance(error) && error.statusCode === 409) latestOptions.current.onRefresh?.();
      return;
    }
    // An answer came back, so the server has the question.
    if (questionId !== null && last?.role === "assistant") {
      updatePending((current) => current.filter((question) => question.id !== questionId));
    }
    if (last?.role === "assistant" && last.metadata?.status === undefined && !(isAbort && !isError)) {
      // The stream ended without the server's `finish`: the answer is incomplete, whatever it looks like.
      const reason = isDisconnect || error === null ? connectionLostReason : describeError(error);
      const marked: ChatMessage = { ...last, metadata: { ...last.metadata, status: "errored", reason } };
      controls.current?.setMessages([...messages.slice(0, -1), marked]);
      controls.current?.clearError();
      if (!isDisconnect) serverReachability.checkNow();
    }
  };

  const chat = useChat<ChatMessage>({
    id: conversationId,
    messages: initialMessages,
    transport,
    resume: true,
    onError: (error) => {
      failure.current = error;
    },
    onFinish,
  });
  controls.current = { setMessages: chat.setMessages, clearError: chat.clearError };
  const busy = chat.status === "submitted" || chat.status === "streaming";
  const { stop: stopListening, sendMessage, regenerate } = chat;

  const stop = useCallback(async () => {
    const stopped = await stopAnswer(conversationId).catch(() => false);
    // Nothing to stop on the server (or it cannot be reached): at least stop waiting for it here.
    if (!stopped) await stopListening();
  }, [conversationId, stopListening]);

  // `replaces`: the question is the conversation's latest, edited; the page drops what followed it.
  const send = useCallback(
    async (question: UnsentQuestion, replaces = false) => {
      sendingId.current = question.id;
      updatePending((current) => [
        ...current.filter((other) => other.id !== question.id),
        { ...question, sending: true },
      ]);
      await sendMessage(
        replaces
          ? { text: question.text, messageId: question.id }
          : { id: question.id, role: "user", parts: [{ type: "text", text: question.text }] },
      );
    },
    [sendMessage, updatePending],
  );

  /** Sends a new question. */
  const ask = useCallback((text: string) => send({ id: generateId(), text, reason: null }), [send]);

  /** Sends the latest question, `questionId`, with new text; the server answers it afresh. */
  const editQuestion = useCallback(
    (questionId: string, text: string) => send({ id: questionId, text, reason: null }, true),
    [send],
  );

  /** Asks for another answer to the latest question, `questionId`; `previous`, its answer, stays an earlier version. */
  const regenerateAnswer = useCallback(
    async (questionId: string, previous: ChatMessage) => {
      regenerating.current = { questionId, previous };
      await regenerate();
    },
    [regenerate],
  );

  /** Sends an unsent question again, under the same id (so the server never keeps it twice). */
  const retryQuestion = useCallback(
    (id: string) => {
      const question = pendingNow.current.find((candidate) => candidate.id === id);
      if (question) void send(question);
    },
    [send],
  );

  const discardQuestion = useCallback(
    (id: string) => {
      updatePending((current) => current.filter((question) => question.id !== id));
    },
    [updatePending],
  );

  /**
   * Asks again for the answer to `question`, whose answer is incomplete: if the server is still writing one (this
   * page only lost its stream), the page loads the server's copy and follows it; otherwise the question is sent again
   * and the server replaces the incomplete answer.
   */
  const retryAnswer = useCallback(
    async (question: ChatMessage) => {
      const fresh = await getConversation(conversationId).catch(() => null);
      if (fresh?.answering) {
        latestOptions.current.onRefresh?.();
        return;
      }
      sendingId.current = question.id;
      // Sent as the question again (not as a Regenerate), so the incomplete answer is replaced, not kept as a version.
      await sendMessage({ text: messageText(question), messageId: question.id });
    },
    [conversationId, sendMessage],
  );

  const unsent: UnsentQuestion[] = pending.filter((question) => !question.sending);
  return {
    ...chat,
    busy,
    stop,
    ask,
    editQuestion,
    regenerateAnswer,
    unsent,
    retryQuestion,
    discardQuestion,
    retryAnswer,
  };
}
