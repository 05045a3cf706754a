import type { EmbeddingModel } from "ai";
import type { Db } from "../db/client";
import type { VectorIndex } from "../vector/vector-index";
import type { IngestMessage } from "./ingest-message";

/** What the ingestion pipeline needs; tests pass counting or failing stand-ins for any of them. */
export interface IngestDependencies {
  db: Db;
  bucket: R2Bucket;
  vectorIndex: VectorIndex;
  queue: Pick<Queue<IngestMessage>, "send" | "sendBatch">;
  embedding: EmbeddingModel;
  embeddingModelId: string;
  /** Chunks embedded per queue message. */
  sliceSize: number;
  chunking: { targetChars: number; overlapChars: number };
  /** Largest file accepted (files dropped into the inbox are checked against it). */
  maxFileBytes: number;
}

/** An ingestion failure whose message is written on the document for admins to read. */
export class IngestError extends Error {
  override name = "IngestError";
}
