import { z } from "zod";

const documentVersion = {
  tenantId: z.string(),
  documentId: z.string(),
  version: z.number().int().positive(),
};

/**
 * The ingest queue's own messages, shared by producers and the consumer: `ingest` parses and chunks a
 * document version (and embeds it when it is small), `embed-slice` embeds one slice of a large version,
 * `delete` removes a document everywhere, `fetch` fetches a URL document (and submits what it fetched as a new
 * version), `sync-source` finds the pages of a website source and queues their fetches.
 */
export const ingestMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ingest"), ...documentVersion }),
  z.object({ type: z.literal("embed-slice"), ...documentVersion, slice: z.number().int().min(0) }),
  z.object({ type: z.literal("delete"), tenantId: z.string(), documentId: z.string() }),
  z.object({ type: z.literal("fetch"), tenantId: z.string(), documentId: z.string() }),
  z.object({ type: z.literal("sync-source"), tenantId: z.string(), sourceId: z.string(), syncId: z.string() }),
]);

export type IngestMessage = z.infer<typeof ingestMessageSchema>;
export type IngestVersionMessage = Extract<IngestMessage, { type: "ingest" }>;
export type EmbedSliceMessage = Extract<IngestMessage, { type: "embed-slice" }>;
export type FetchMessage = Extract<IngestMessage, { type: "fetch" }>;
export type SyncSourceMessage = Extract<IngestMessage, { type: "sync-source" }>;
