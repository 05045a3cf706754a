import { embedMany } from "ai";
import { markReadyStatement, pendingChunks, stagedProgress } from "../db/chunk-staging";
import { type DocumentRow, loadDocuments, updatePendingVersion } from "../db/documents";
import { runBatch } from "../db/run-batch";
import { inGroups } from "../lib/in-groups";
import { inSizeBudget } from "../lib/in-size-budget";
import { platformLimits } from "../lib/platform-limits";
import { passageText } from "../rag/passage-text";
import type { VectorRecord } from "../vector/vector-index";
import { isPendingVersion, versionOf } from "./document-version";
import { duringStep } from "./failure-reason";
import { finishVersions } from "./finish-versions";
import type { IngestDependencies } from "./ingest-dependencies";
import type { EmbedSliceMessage } from "./ingest-message";

// Chunks read, embedded and upserted together: well under Vectorize's 1,000 vectors a write, and a few tens of
// milliseconds of work for the offline embedder and the local vector index.
const chunksPerRound = Math.min(256, platformLimits.vectorize.writeBatch);

/**
 * Embeds the chunks of the given slices that have no vector yet, in rounds of at most 256 chunks across the slices,
 * upserts them and reports progress. A version with nothing left to embed is then switched to.
 */
export async function embedSlices(deps: IngestDependencies, messages: EmbedSliceMessage[]): Promise<void> {
  if (messages.length === 0) return;
  const { db } = deps;
  const loaded = await loadDocuments(
    db,
    messages.map((message) => message.documentId),
  );
  const slices = messages.flatMap((message) => {
    const document = loaded.get(message.documentId);
    return isPendingVersion(document, message) ? [{ document, slice: message.slice }] : [];
  });
  if (slices.length === 0) return;
  const documents = new Map(slices.map(({ document }) => [document.id, document]));

  const ranges = slices.map(({ document, slice }) => ({
    document: versionOf(document),
    from: slice * deps.sliceSize,
    to: (slice + 1) * deps.sliceSize - 1,
  }));
  // A round of slices at a time (about 256 chunks): read, embed, upsert, mark. No query result, embedding call, upsert
  // or D1 transaction grows with the document, so the isolate (and locally D1 and the vector index, on the same
  // thread) serves other requests between rounds. A range counts the chunks it really holds (a small document's only
  // slice, or a large one's last, is short), so many small documents still go together.
  const heldChunks = ({ document, from, to }: (typeof ranges)[number]) =>
    Math.max(0, Math.min(to, (documents.get(document.id)?.chunksTotal ?? 0) - 1) - from + 1);
  for (const group of inSizeBudget(ranges, heldChunks, chunksPerRound)) {
    const pending = await pendingChunks(db, group);
    if (pending.length === 0) continue;
    for (const round of inGroups(pending, chunksPerRound)) {
      const { embeddings } = await duringStep("embedding service", () =>
        embedMany({
          model: deps.embedding,
          values: round.map((chunk) =>
            passageText({
              title: documents.get(chunk.documentId)?.title,
              headingPath: chunk.headingPath,
              text: chunk.text,
            }),
          ),
          maxRetries: 2,
        }),
      );
      const byTenant = new Map<string, VectorRecord[]>();
      round.forEach((chunk, index) => {
        const document = documents.get(chunk.documentId);
        if (!document) return;
        const vectors = byTenant.get(document.tenantId) ?? [];
        vectors.push({
          id: chunk.vectorId,
          values: embeddings[index] ?? [],
          metadata: { documentId: document.id, collection: document.collection },
        });
        byTenant.set(document.tenantId, vectors);
      });
      for (const [tenantId, vectors] of byTenant) {
        await duringStep("vector index", () => deps.vectorIndex.upsert(tenantId, vectors));
      }
    }
    // Every pending chunk of these ranges now has its vector.
    await runBatch(
      db,
      group.map((range) => [markReadyStatement(db, range)]),
    );
  }

  const progress = await stagedProgress(db, [...documents.values()].map(versionOf));
  await runBatch(
    db,
    [...documents.values()].map((document) => [
      updatePendingVersion(db, document, { chunksDone: progress.get(document.id)?.ready ?? 0 }),
    ]),
  );
  // Complete when every row a finished staging wrote is indexed: a duplicate attempt that is staging the version
  // again has fewer rows than `chunksTotal` until it is done.
  const finished: DocumentRow[] = [...documents.values()].filter((document) => {
    const counts = progress.get(document.id);
    return counts !== undefined && counts.ready === counts.total && counts.total === document.chunksTotal;
  });
  await finishVersions(deps, finished);
}
