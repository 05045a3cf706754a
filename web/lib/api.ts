/**
 * The SPA's only way to the API: Hono's typed client over the Worker's `AppType`, so paths, inputs and
 * response bodies are checked against the routes. Every call sends the bearer token; a 401 drops the
 * stored token so the app signs in again. Errors become `ApiError` with the server's message.
 */
import { validateUIMessages } from "ai";
import { hc } from "hono/client";
import type { AppType } from "../../worker/app";
import {
  type ChatMessage,
  type ConversationSummary,
  chatMessageSchemas,
  type DocumentView,
  type IngestJobView,
} from "../../worker/contract";
import { errorFromResponse } from "./api-error";
import { authorizationHeaders, getToken, setToken } from "./token-store";

/** `fetch` that drops the stored token when the API rejects it, so the app signs in again. */
export const fetchWithAuthRecovery: typeof fetch = async (input, init) => {
  const sentToken = getToken();
  const response = await fetch(input, init);
  if (response.status === 401 && sentToken !== null && getToken() === sentToken) setToken(null);
  return response;
};

const client = hc<AppType>("/", { headers: authorizationHeaders, fetch: fetchWithAuthRecovery }).api;

export type Health = Awaited<ReturnType<typeof getHealth>>;

export async function getHealth() {
  const response = await client.health.$get();
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

/** A signed token for local use (only when the server runs with DEV_AUTH). */
export async function createDevToken(): Promise<string> {
  const response = await client.dev.token.$post({ json: { role: "admin", tenant: "demo" } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).token;
}

/** A conversation as the chat page starts from it: its latest messages. */
export interface StoredConversation {
  /** True while the server is still writing an answer, which the page then resumes. */
  answering: boolean;
  messages: ChatMessage[];
  /** Reads the messages before these (see `getOlderMessages`); null when these are the first. */
  olderCursor: string | null;
}

/** The stored conversation's latest messages; an empty conversation when it does not exist yet (404). */
export async function getConversation(id: string): Promise<StoredConversation> {
  const response = await client.conversations[":id"].$get({ param: { id }, query: {} });
  if (response.status === 404) return { answering: false, messages: [], olderCursor: null };
  if (!response.ok) throw await errorFromResponse(response);
  const { answering, messages, olderCursor } = await response.json();
  return { answering, messages: await checkedMessages(messages), olderCursor };
}

/** The messages before `cursor` (an `olderCursor`), oldest first, and the cursor of those before them. */
export async function getOlderMessages(id: string, cursor: string) {
  const response = await client.conversations[":id"].$get({ param: { id }, query: { before: cursor } });
  if (!response.ok) throw await errorFromResponse(response);
  const { messages, olderCursor } = await response.json();
  return { messages: await checkedMessages(messages), olderCursor };
}

// JSON typing loses the UI message type; the AI SDK's validator checks the shape and restores it.
async function checkedMessages(messages: unknown[]): Promise<ChatMessage[]> {
  return messages.length === 0 ? [] : validateUIMessages<ChatMessage>({ messages, ...chatMessageSchemas });
}

/** The signed-in user's conversations, most recently active first. */
export async function listConversations(): Promise<ConversationSummary[]> {
  const response = await client.conversations.$get({ query: {} });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).conversations;
}

export async function renameConversation(id: string, title: string): Promise<ConversationSummary> {
  const response = await client.conversations[":id"].$patch({ param: { id }, json: { title } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).conversation;
}

export async function deleteConversation(id: string): Promise<void> {
  const response = await client.conversations[":id"].$delete({ param: { id } });
  if (!response.ok) throw await errorFromResponse(response);
}

/** Stops the answer the server is writing; it keeps the text written so far. False when none was running. */
export async function stopAnswer(conversationId: string): Promise<boolean> {
  const response = await client.chat[":id"].stop.$post({ param: { id: conversationId } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).stopped;
}

export async function listDocuments(): Promise<DocumentView[]> {
  const response = await client.documents.$get();
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).documents;
}

export async function uploadDocument(file: File): Promise<DocumentView> {
  const response = await client.documents.$post({ form: { file } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).document;
}

/** A document with its latest ingestion jobs, newest version first. */
export interface DocumentDetails {
  document: DocumentView;
  lastJob: IngestJobView | null;
  jobs: IngestJobView[];
}

export async function getDocument(id: string): Promise<DocumentDetails> {
  const response = await client.documents[":id"].$get({ param: { id } });
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}

/** Ingests the stored file again as a new version; unchanged chunks are not re-embedded. */
export async function reingestDocument(id: string): Promise<DocumentView> {
  const response = await client.documents[":id"].reingest.$post({ param: { id } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).document;
}

/** Starts deleting a document everywhere; it is listed as `deleting` until it is gone. */
export async function deleteDocument(id: string): Promise<DocumentView> {
  const response = await client.documents[":id"].$delete({ param: { id } });
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).document;
}

/** Re-ingests every document indexed with another embedding model than the current one. */
export async function reembedDocuments(): Promise<{ queued: number; embeddingModel: string }> {
  const response = await client.documents.reembed.$post();
  if (!response.ok) throw await errorFromResponse(response);
  return response.json();
}
