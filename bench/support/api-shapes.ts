/**
 * The shapes of the API's answers that the load and soak benchmarks read, built from the contract's schemas so a
 * response is checked, not assumed.
 */
import { z } from "zod";
import { chatMetadataSchema, documentStatusSchema, roleSchema, searchResultSchema } from "../../worker/contract.ts";

/** The fields of a `DocumentView` the benchmarks check. */
export const documentViewSchema = z.object({
  id: z.string(),
  externalId: z.string().nullable(),
  status: documentStatusSchema,
  version: z.number().int(),
  activeVersion: z.number().int().nullable(),
  chunksTotal: z.number().int(),
  error: z.string().nullable(),
});

/** `POST /api/documents/batch`. */
export const batchResponseSchema = z.object({
  documents: z.array(documentViewSchema.extend({ changed: z.boolean() })),
});

/** `GET` and `DELETE /api/documents/:id`. */
export const documentResponseSchema = z.object({ document: documentViewSchema });

/** `GET /api/documents/stats`. */
export const ingestStatsSchema = z.object({
  documents: z.number(),
  ready: z.number(),
  failed: z.number(),
  pending: z.number(),
  chunks: z.number(),
});
export type IngestStatsFields = z.infer<typeof ingestStatsSchema>;

/** `POST /api/search`. */
export const searchResponseSchema = z.object({ results: z.array(searchResultSchema) });
export type SearchResultFields = z.infer<typeof searchResultSchema>;

/** `POST /api/keys`: the new key and its secret, shown once. */
export const createdKeySchema = z.object({ key: z.object({ id: z.string(), role: roleSchema }), secret: z.string() });

/** A stored message as `GET /api/conversations/:id` returns it: text parts and, for answers, metadata. */
export const storedMessageSchema = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant", "system"]),
  parts: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  metadata: chatMetadataSchema.optional(),
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

/** `GET /api/conversations/:id` (one page, newest messages, oldest first). */
export const conversationPageSchema = z.object({
  answering: z.boolean(),
  messages: z.array(storedMessageSchema),
  olderCursor: z.string().nullable(),
});

/** One `data:` event of the chat's SSE stream, as far as the benchmarks read it. */
export const streamChunkSchema = z.object({
  type: z.string(),
  delta: z.string().optional(),
  errorText: z.string().optional(),
});
