/**
 * The setup of the chat and search benchmarks: the app (started here unless `url` names a running one), a fresh
 * tenant seeded through the batch API with at least `chunks` chunks of handbooks, indexed.
 */
import type { ApiClient } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { type RunningServer, startServer } from "../../scripts/lib/app-server.ts";
import { submitDocuments, waitForIndexing } from "./bulk-ingest.ts";
import { type HandbookCorpus, handbookCorpus, sectionsPerDocument } from "./handbook-corpus.ts";

export interface HandbookTenantOptions {
  url?: string | undefined;
  tenant: string;
  chunks: number;
  /** Vars of the app started here (ignored with `url`). */
  environment: Record<string, string>;
}

export interface HandbookTenant {
  api: ApiClient;
  baseUrl: string;
  corpus: HandbookCorpus;
  /** Chunks indexed. */
  chunks: number;
  /** The server this run started, if it started one: stop it at the end. */
  server: RunningServer | undefined;
}

export async function openHandbookTenant({
  url,
  tenant,
  chunks,
  environment,
}: HandbookTenantOptions): Promise<HandbookTenant> {
  const server = url ? undefined : await startServer(environment);
  const baseUrl = server?.baseUrl ?? url?.replace(/\/$/, "") ?? "";
  try {
    const { api } = await connectWithDevToken({ baseUrl }, "admin", tenant);
    const documentCount = Math.ceil(chunks / sectionsPerDocument);
    const corpus = handbookCorpus(documentCount);
    console.log(`Server ${baseUrl}; tenant ${tenant}; seeding ${documentCount} documents (${chunks} chunks)…`);
    const seedStarted = performance.now();
    await submitDocuments(api, corpus.documents, { batchSize: 100, concurrency: 1 });
    const indexed = await waitForIndexing(api, documentCount);
    if (indexed.failed > 0) throw new Error(`${indexed.failed} documents failed to index`);
    console.log(`Indexed ${indexed.chunks} chunks in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s.`);
    if (indexed.chunks < chunks)
      throw new Error(`expected at least ${chunks} chunks, the corpus has ${indexed.chunks}`);
    return { api, baseUrl, corpus, chunks: indexed.chunks, server };
  } catch (error) {
    if (server) console.error(`Server output:\n${server.output().slice(-5000)}`);
    await server?.stop();
    throw error;
  }
}

/**
 * Runs the measurements, prints the server's output if they fail, then stops the server this run started. The
 * errors they return are printed (the first five, and how many) and decide the exit code.
 */
export async function measureOn(tenant: HandbookTenant, measure: () => Promise<readonly string[]>): Promise<void> {
  try {
    const errors = await measure();
    for (const error of errors.slice(0, 5)) console.log(`error: ${error}`);
    console.log(`errors: ${errors.length}`);
    process.exitCode = errors.length === 0 ? 0 : 1;
  } catch (error) {
    if (tenant.server) console.error(`Server output:\n${tenant.server.output().slice(-5000)}`);
    throw error;
  } finally {
    await tenant.server?.stop();
  }
}
