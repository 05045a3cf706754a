import type { EmbeddingModel } from "ai";
import type { Db } from "../db/client";
import { type FetchFunction, platformFetch, type SafeFetchOptions } from "../lib/safe-fetch";
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
  /** How URL documents and website pages are fetched (the SSRF guard wraps `fetch`); absent: `defaultUrlFetch`. */
  urlFetch?: UrlFetchSettings;
}

export interface UrlFetchSettings {
  fetch: FetchFunction;
  /** Local runs only: plain http and loopback addresses allowed. */
  allowPrivate: boolean;
  timeoutMs: number;
}

/** The platform's fetch behind the strict guard (https, public addresses only), 30 s a page. */
export const defaultUrlFetch: UrlFetchSettings = { fetch: platformFetch, allowPrivate: false, timeoutMs: 30_000 };

/** The options of `safeFetch` for a file ingestion fetches: the guard and the fetch configured, the file size limit. */
export function guardedFetch(deps: Pick<IngestDependencies, "urlFetch" | "maxFileBytes">): SafeFetchOptions {
  const { fetch, allowPrivate, timeoutMs } = deps.urlFetch ?? defaultUrlFetch;
  return { fetch, policy: { allowPrivate }, maxBytes: deps.maxFileBytes, timeoutMs };
}

/** An ingestion failure whose message is written on the document for admins to read. */
export class IngestError extends Error {
  override name = "IngestError";
}
