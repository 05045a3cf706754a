/** Bulk ingestion for the benchmarks: a corpus through the batch API, and waiting until the queue has indexed it. */
import type { z } from "zod";
import { type ApiClient, readBody, type SuccessBody } from "../../client/api-client.ts";
import type { batchDocumentSchema } from "../../worker/contract.ts";

export type BatchDocument = z.input<typeof batchDocumentSchema>;

export type IngestStats = SuccessBody<ApiClient["documents"]["stats"]["$get"]>;

/**
 * Submits documents through `POST /api/documents/batch`, `batchSize` a request and `concurrency` requests at a
 * time; returns how many the server took as new or changed.
 */
export async function submitDocuments(
  api: ApiClient,
  documents: BatchDocument[],
  { batchSize = 100, concurrency = 4 } = {},
): Promise<number> {
  const batches: BatchDocument[][] = [];
  for (let start = 0; start < documents.length; start += batchSize) {
    batches.push(documents.slice(start, start + batchSize));
  }
  let changed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < batches.length; index = next++) {
        const result = await readBody(api.documents.batch.$post({ json: { documents: batches[index] ?? [] } }));
        changed += result.documents.filter((document) => document.changed).length;
      }
    }),
  );
  return changed;
}

/**
 * Waits until the tenant has at least `expected` documents and none is waiting for the queue. It looks again after
 * twenty times as long as the last look took (at least 100 ms), so looking takes at most a twentieth of the server's
 * time: the stats count every chunk of the tenant, over 100 ms at 100,000 chunks, and a look every 100 ms would take
 * half of it from the ingest being measured.
 */
export async function waitForIndexing(api: ApiClient, expected: number): Promise<IngestStats> {
  for (;;) {
    const asked = performance.now();
    const stats = await readBody(api.documents.stats.$get());
    if (stats.documents >= expected && stats.pending === 0) return stats;
    const pause = Math.max(100, 20 * (performance.now() - asked));
    // Polling a queue in another process: there is nothing to await but the next look.
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
