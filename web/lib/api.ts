/**
 * The SPA's calls to the API, on the shared typed client (`client/api-client.ts`). Every call sends the stored
 * token; a 401 drops it so the app signs in again. Failures are `ApiError`s with the server's message. Reads take
 * an `AbortSignal`, so a page that no longer needs an answer stops waiting for it.
 */
import { validateUIMessages } from "ai";
import type { z } from "zod";
import { createApiClient, readBody } from "../../client/api-client";
import { ApiError } from "../../client/api-error";
import { requestDevToken } from "../../client/dev-token";
import { listAllDocuments } from "../../client/list-documents";
import { sendDocument } from "../../client/send-document";
import { uploadProgressFetch } from "../../client/upload-progress-fetch";
import type {
  auditQuerySchema,
  ChatMessage,
  ConversationSummary,
  createApiKeySchema,
  DocumentChunksPage,
  DocumentView,
  feedbackRequestSchema,
  IngestJobView,
  MessageFeedbackView,
  Role,
} from "../../worker/contract";
import { chatMessageSchemas } from "../../worker/contract";
import { isNetworkFailure, ServerReachability } from "./server-reachability";
import { getToken, setToken } from "./token-store";

/**
 * `send` (a `fetch`) that drops the stored token when the API rejects it, so the app signs in again and says why,
 * and tells `serverReachability` whether the server could be reached.
 */
function withAuthRecovery(send: typeof fetch): typeof fetch {
  return async (input, init) => {
    const sentToken = getToken();
    let response: Response;
    try {
      response = await send(input, init);
    } catch (error) {
      if (isNetworkFailure(error)) serverReachability.markUnreachable();
      throw error;
    }
    serverReachability.markReachable();
    if (response.status === 401 && sentToken !== null && getToken() === sentToken) {
      const { message } = await ApiError.fromResponse(response.clone());
      if (getToken() === sentToken) setToken(null, message);
    }
    return response;
  };
}

/** `fetch` that drops the stored token when the API rejects it, so the app signs in again and says why. */
export const fetchWithAuthRecovery: typeof fetch = withAuthRecovery((input, init) => fetch(input, init));

const api = createApiClient({ baseUrl: "/", token: getToken, fetch: fetchWithAuthRecovery });

/** Whether the server answers; while it does not, `GET /api/health` is polled until it does. */
export const serverReachability = new ServerReachability(() => api.health.$get());

const aborting = (signal: AbortSignal | undefined) => (signal ? { init: { signal } } : undefined);

export type Health = Awaited<ReturnType<typeof getHealth>>;

export function getHealth(signal?: AbortSignal) {
  return readBody(api.health.$get(undefined, aborting(signal)));
}

/** A signed token for `role` in `tenant`, for local use (only when the server runs with DEV_AUTH). */
export function createDevToken(role: Role, tenant: string): Promise<string> {
  return requestDevToken(api, role, tenant);
}

export type Identity = Awaited<ReturnType<typeof getIdentity>>;

/** Who `token` (else the stored token) signs in as: the tenant and the caller's subject, role and groups. */
export function getIdentity(signal?: AbortSignal, token?: string) {
  const client = token === undefined ? api : createApiClient({ baseUrl: "/", token });
  return readBody(client.tenant.$get(undefined, aborting(signal)));
}

/** A conversation as the chat page starts from it: its latest messages. */
export interface StoredConversation {
  /** True while the server is still writing an answer, which the page then resumes. */
  answering: boolean;
  /** Oldest first; consecutive answers to one question are its versions (see `splitAnswerVersions`). */
  messages: ChatMessage[];
  /** The user's ratings of the conversation's answers. */
  feedback: MessageFeedbackView[];
  /** Reads the messages before these (see `getOlderMessages`); null when these are the first. */
  olderCursor: string | null;
}

/** The stored conversation's latest messages; an empty conversation when it does not exist yet (404). */
export async function getConversation(id: string, signal?: AbortSignal): Promise<StoredConversation> {
  const response = await api.conversations[":id"].$get({ param: { id }, query: {} }, aborting(signal));
  if (response.status === 404) return { answering: false, messages: [], feedback: [], olderCursor: null };
  const { answering, messages, feedback, olderCursor } = await readBody(response);
  return { answering, messages: await checkedMessages(messages), feedback, olderCursor };
}

/** The messages before `cursor` (an `olderCursor`), oldest first, and the cursor of those before them. */
export async function getOlderMessages(id: string, cursor: string) {
  const { messages, olderCursor } = await readBody(
    api.conversations[":id"].$get({ param: { id }, query: { before: cursor } }),
  );
  return { messages: await checkedMessages(messages), olderCursor };
}

// JSON typing loses the UI message type; the AI SDK's validator checks the shape and restores it.
async function checkedMessages(messages: unknown[]): Promise<ChatMessage[]> {
  return messages.length === 0 ? [] : validateUIMessages<ChatMessage>({ messages, ...chatMessageSchemas });
}

/** A page of the signed-in user's conversations, most recently active first, with titles containing `search`. */
export async function listConversations(
  search: string,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<ConversationSummary, string>> {
  const query = { ...(search.trim() ? { q: search } : {}), ...(cursor === null ? {} : { before: cursor }) };
  const { conversations, nextCursor } = await readBody(api.conversations.$get({ query }, aborting(signal)));
  return { items: conversations, nextCursor };
}

export async function renameConversation(id: string, title: string): Promise<ConversationSummary> {
  return (await readBody(api.conversations[":id"].$patch({ param: { id }, json: { title } }))).conversation;
}

export async function deleteConversation(id: string): Promise<void> {
  await readBody(api.conversations[":id"].$delete({ param: { id } }));
}

/** Stops the answer the server is writing; it keeps the text written so far. False when none was running. */
export async function stopAnswer(conversationId: string): Promise<boolean> {
  return (await readBody(api.chat[":id"].stop.$post({ param: { id: conversationId } }))).stopped;
}

/** Rates an answer (thumb up or down, an optional comment), replacing the user's earlier rating of it. */
export async function rateAnswer(
  conversationId: string,
  messageId: string,
  rating: z.input<typeof feedbackRequestSchema>,
): Promise<MessageFeedbackView> {
  const response = api.conversations[":id"].messages[":messageId"].feedback.$put({
    param: { id: conversationId, messageId },
    json: rating,
  });
  return (await readBody(response)).feedback;
}

export function listDocuments(signal?: AbortSignal): Promise<DocumentView[]> {
  return listAllDocuments(api, signal);
}

export interface UploadOptions {
  /** The collection the document joins (the server's default when empty). */
  collection: string;
  /** Files up to this size go in one request, larger ones in parts (the server's `maxUploadBytes`). */
  maxSingleRequestBytes: number;
  /** Called with the bytes of the file sent so far, as they go out. */
  onSent: (bytes: number) => void;
}

/** Uploads a file for ingestion, reporting its progress; the server titles it from its contents when it can. */
export function uploadDocument(file: File, { collection, maxSingleRequestBytes, onSent }: UploadOptions) {
  return sendDocument(
    api,
    {
      filename: file.name,
      size: file.size,
      contentType: file.type || undefined,
      collection: collection.trim() || undefined,
      read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
    },
    {
      maxSingleRequestBytes,
      progress: { fetch: (onShare) => withAuthRecovery(uploadProgressFetch(onShare)), onSent },
    },
  );
}

/** Gives a document a title of the admin's choosing; it is indexed again under it. */
export async function renameDocument(id: string, title: string): Promise<DocumentView> {
  return (await readBody(api.documents[":id"].$patch({ param: { id }, json: { title } }))).document;
}

/** A document with its latest ingestion jobs, newest version first. */
export interface DocumentDetails {
  document: DocumentView;
  lastJob: IngestJobView | null;
  jobs: IngestJobView[];
}

export function getDocument(id: string, signal?: AbortSignal): Promise<DocumentDetails> {
  return readBody(api.documents[":id"].$get({ param: { id } }, aborting(signal)));
}

/** Which page of a document's text to read: the first, from or before a passage, or the one holding a passage. */
export type DocumentTextQuery = { from: number } | { before: number } | { chunk: string } | Record<string, never>;

/** A page of a document's text in reading order (for members too: the documents they may search). */
export function getDocumentText(
  id: string,
  query: DocumentTextQuery,
  signal?: AbortSignal,
): Promise<DocumentChunksPage> {
  const strings = Object.fromEntries(Object.entries(query).map(([name, value]) => [name, String(value)]));
  return readBody(api.documents[":id"].chunks.$get({ param: { id }, query: strings }, aborting(signal)));
}

/** Ingests the stored file again as a new version; unchanged chunks are not re-embedded. */
export async function reingestDocument(id: string): Promise<DocumentView> {
  return (await readBody(api.documents[":id"].reingest.$post({ param: { id } }))).document;
}

/** Starts deleting a document everywhere; it is listed as `deleting` until it is gone. */
export async function deleteDocument(id: string): Promise<DocumentView> {
  return (await readBody(api.documents[":id"].$delete({ param: { id } }))).document;
}

/** Re-ingests every document indexed with another embedding model than the current one. */
export function reembedDocuments(): Promise<{ queued: number; embeddingModel: string }> {
  return readBody(api.documents.reembed.$post());
}

export async function listApiKeys(signal?: AbortSignal) {
  return (await readBody(api.keys.$get(undefined, aborting(signal)))).keys;
}

/** A new API key, and its secret: the only time the server gives it out. */
export function createApiKey(key: z.input<typeof createApiKeySchema>) {
  return readBody(api.keys.$post({ json: key }));
}

/** Revokes a key at once: calls with it are refused from now on. */
export async function revokeApiKey(id: string) {
  return (await readBody(api.keys[":id"].$delete({ param: { id } }))).key;
}

export async function listWebhookSecrets(signal?: AbortSignal) {
  return (await readBody(api.webhooks.secrets.$get(undefined, aborting(signal)))).secrets;
}

/** A new signing secret and its value (shown only now); the current one stays valid for the server's rollover. */
export function rotateWebhookSecret() {
  return readBody(api.webhooks.secrets.$post({ json: {} }));
}

export async function revokeWebhookSecret(id: string) {
  return (await readBody(api.webhooks.secrets[":id"].$delete({ param: { id } }))).secret;
}

/** A page of something listed newest first, and the cursor of the page after it (null: none). */
export interface Page<Item, Cursor = number> {
  items: Item[];
  nextCursor: Cursor | null;
}

/** Received webhook deliveries, newest first, from before `cursor` when given. */
export async function listWebhookDeliveries(cursor: number | null, signal?: AbortSignal) {
  const query = cursor === null ? {} : { before: String(cursor) };
  const { deliveries, nextCursor } = await readBody(api.webhooks.deliveries.$get({ query }, aborting(signal)));
  return { items: deliveries, nextCursor };
}

/** The filters of the audit log, as `GET /api/audit` takes them. */
export type AuditFilters = Pick<z.input<typeof auditQuerySchema>, "action" | "actor" | "outcome" | "since" | "until">;

/** Audit entries matching `filters`, newest first, from before `cursor` when given. */
export async function listAuditEntries(filters: AuditFilters, cursor: number | null, signal?: AbortSignal) {
  const query = cursor === null ? filters : { ...filters, before: String(cursor) };
  const { entries, nextCursor } = await readBody(api.audit.$get({ query }, aborting(signal)));
  return { items: entries, nextCursor };
}

export async function listCollections(signal?: AbortSignal) {
  return (await readBody(api.collections.$get(undefined, aborting(signal)))).collections;
}

/** Sets who may read a collection: null the whole tenant, a list only those groups (empty: admins only). */
export async function setCollectionAccess(name: string, readableBy: string[] | null): Promise<void> {
  await readBody(api.collections[":name"].access.$put({ param: { name }, json: { readableBy } }));
}
