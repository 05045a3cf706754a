import { z } from "zod";

const documentVersion = {
  tenantId: z.string(),
  documentId: z.string(),
  version: z.number().int().positive(),
};

/**
 * The ingest queue's own messages, shared by producers and the consumer: `ingest` parses and chunks a
 * document version (and embeds it when it is small), `embed-slice` embeds one slice of a large version,
 * `delete` removes a document everywhere.
 */
export const ingestMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ingest"), ...documentVersion }),
  z.object({ type: z.literal("embed-slice"), ...documentVersion, slice: z.number().int().min(0) }),
  z.object({ type: z.literal("delete"), tenantId: z.string(), documentId: z.string() }),
]);

export type IngestMessage = z.infer<typeof ingestMessageSchema>;
export type IngestVersionMessage = Extract<IngestMessage, { type: "ingest" }>;
export type EmbedSliceMessage = Extract<IngestMessage, { type: "embed-slice" }>;
