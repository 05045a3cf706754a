import { z } from "zod";

/** The ingest queue's message: process `version` of a document. Shared by producers and the consumer. */
export const ingestMessageSchema = z.object({
  type: z.literal("ingest"),
  tenantId: z.string(),
  documentId: z.string(),
  version: z.number().int().positive(),
});

export type IngestMessage = z.infer<typeof ingestMessageSchema>;
