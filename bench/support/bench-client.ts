/** The benchmarks' client of a running app: a development token for one tenant, JSON calls, bulk ingestion. */

export interface IngestStats {
  documents: number;
  ready: number;
  failed: number;
  pending: number;
  chunks: number;
  jobs: number;
  embeddedTexts: number;
}

export interface BatchDocument {
  externalId: string;
  title: string;
  text: string;
  contentType: string;
}

export interface BenchClient {
  api<T>(path: string, body?: unknown): Promise<T>;
}

/** Signs in as the admin of `tenant` with a development token (the server must have DEV_AUTH on). */
export async function connect(baseUrl: string, tenant: string): Promise<BenchClient> {
  const response = await fetch(`${baseUrl}/api/dev/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ role: "admin", tenant }),
  });
  if (!response.ok) throw new Error(`dev token: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return {
    async api<T>(path: string, body?: unknown): Promise<T> {
      const reply = await fetch(`${baseUrl}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!reply.ok) throw new Error(`${path}: ${reply.status} ${await reply.text()}`);
      return (await reply.json()) as T;
    },
  };
}

/**
 * Submits documents through `POST /api/documents/batch`, `batchSize` a request and `concurrency` requests at a
 * time; returns how many the server took as new or changed.
 */
export async function submitDocuments(
  client: BenchClient,
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
        const result = await client.api<{ documents: Array<{ changed: boolean }> }>("/api/documents/batch", {
          documents: batches[index],
        });
        changed += result.documents.filter((document) => document.changed).length;
      }
    }),
  );
  return changed;
}

/** Waits until the tenant has at least `expected` documents and none is waiting for the queue. */
export async function waitForIndexing(client: BenchClient, expected: number): Promise<IngestStats> {
  for (;;) {
    const stats = await client.api<IngestStats>("/api/documents/stats");
    if (stats.documents >= expected && stats.pending === 0) return stats;
    // Polling a queue in another process: there is nothing to await but the next look.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
