import { type ChunkInput, indexedVectorIds, stageSteps } from "../db/chunk-staging";
import { type DocumentRow, loadDocuments, settleServedStatement, updatePendingVersion } from "../db/documents";
import { runBatch } from "../db/run-batch";
import { formatMegabytes } from "../lib/format-megabytes";
import { inGroups } from "../lib/in-groups";
import { inSizeBudget } from "../lib/in-size-budget";
import { charactersPerTurn, createPacer } from "../lib/pacer";
import { idsPerStatement, platformLimits } from "../lib/platform-limits";
import { sha256Hex } from "../lib/sha256";
import { chunkDocumentPaced } from "../rag/chunk";
import { documentLimitStatement, documentLimits } from "../rag/parse/document-limits";
import { parseDocument } from "../rag/parse/parse-document";
import { isSupportedContentType, type SupportedContentType } from "../rag/parse/supported-types";
import { titleForVersion } from "./document-title";
import { isPendingVersion, versionOf } from "./document-version";
import { embedSlices } from "./embed-slices";
import { duringStep } from "./failure-reason";
import { type IngestDependencies, IngestError } from "./ingest-dependencies";
import { startIngestJob, updateIngestJob } from "./ingest-job";
import type { IngestVersionMessage } from "./ingest-message";

// The most file bytes one invocation reads into memory at once: documents are prepared in groups up to this size (a
// larger file alone), so a batch of large files never adds up past the isolate's memory.
const filesInMemoryBytes = 16 * 1024 * 1024;

/**
 * First step of ingesting document versions: read each file, parse, chunk, and stage the chunks, reusing
 * the vectors of chunks an earlier version already had. Small documents are embedded right away, together;
 * a large one fans out into `embed-slice` messages so no invocation nears the CPU limit. Files are read in groups
 * that fit in memory together. A file that can't be read or parsed, or is larger than its type allows, fails only
 * its own message (returned); anything else throws for the whole group.
 */
export async function prepareVersions(
  deps: IngestDependencies,
  messages: IngestVersionMessage[],
): Promise<Map<IngestVersionMessage, unknown>> {
  const { db } = deps;
  const failures = new Map<IngestVersionMessage, unknown>();
  const loaded = await loadDocuments(
    db,
    messages.map((message) => message.documentId),
  );
  const targets = new Map<string, { message: IngestVersionMessage; document: DocumentRow }>();
  for (const message of messages) {
    const document = loaded.get(message.documentId);
    if (isPendingVersion(document, message)) targets.set(document.id, { message, document });
  }
  const served = messages.flatMap((message) => {
    const document = loaded.get(message.documentId);
    const serves = document?.tenantId === message.tenantId && document.activeVersion === message.version;
    return serves && document.version === message.version && document.status !== "ready" ? [document.id] : [];
  });
  await runBatch(
    db,
    inGroups(served, idsPerStatement).map((ids) => [settleServedStatement(db, ids)]),
  );
  if (targets.size === 0) return failures;

  await runBatch(
    db,
    [...targets.values()].map(({ document }) => [
      startIngestJob(db, versionOf(document)),
      updatePendingVersion(db, document, { status: "processing" }),
    ]),
  );
  const pending = [...targets.values()];
  for (const group of inSizeBudget(pending, ({ document }) => document.size, filesInMemoryBytes)) {
    await prepareGroup(deps, group, failures);
  }
  return failures;
}

// Reads, parses, chunks and stages a group of documents whose files fit in memory together, then embeds the small
// ones and sends the slices of the large ones.
async function prepareGroup(
  deps: IngestDependencies,
  group: Array<{ message: IngestVersionMessage; document: DocumentRow }>,
  failures: Map<IngestVersionMessage, unknown>,
): Promise<void> {
  const { db } = deps;
  const chunked = await Promise.all(
    group.map(async ({ message, document }) => {
      try {
        const bytes = await duringStep("file storage", () => readFile(deps.bucket, document));
        return { document, pieces: await duringStep("file parsing", () => chunkFile(bytes, document, deps)) };
      } catch (error) {
        failures.set(message, error);
        return null;
      }
    }),
  );
  const staged = chunked.filter((entry) => entry !== null);
  const indexed = await indexedVectorIds(
    db,
    staged.map(({ document }) => document.id),
  );
  const plans = staged.map(({ document, pieces }) => {
    const reusable = indexed.get(document.id);
    const rows: ChunkInput[] = pieces.map((piece) => ({
      ...piece,
      vectorReady: reusable?.has(piece.vectorId) ?? false,
    }));
    const reused = rows.filter((row) => row.vectorReady).length;
    return { document, rows, reused, slices: Math.ceil(rows.length / deps.sliceSize) };
  });
  await runBatch(
    db,
    plans.flatMap(({ document, rows, reused, slices }) => [
      ...stageSteps(db, versionOf(document), rows),
      [
        updatePendingVersion(db, document, { chunksTotal: rows.length, chunksDone: reused }),
        updateIngestJob(db, versionOf(document), { chunks: rows.length, reused, slicesTotal: slices }),
      ],
    ]),
  );

  const sliceMessages = plans.flatMap(({ document, slices }) =>
    Array.from({ length: slices }, (_, slice) => ({
      type: "embed-slice" as const,
      tenantId: document.tenantId,
      documentId: document.id,
      version: document.version,
      slice,
    })),
  );
  const fanningOut = new Set(plans.filter((plan) => plan.slices > 1).map((plan) => plan.document.id));
  await embedSlices(
    deps,
    sliceMessages.filter((message) => !fanningOut.has(message.documentId)),
  );
  const later = sliceMessages.filter((message) => fanningOut.has(message.documentId));
  for (const group of inGroups(later, platformLimits.queues.sendBatchMessages)) {
    await duringStep("queue", () => deps.queue.sendBatch(group.map((body) => ({ body }))));
  }
}

// The size R2 reports is checked before the body is read, so a file over its type's limit never enters memory.
async function readFile(bucket: R2Bucket, document: DocumentRow): Promise<Uint8Array> {
  const contentType = supportedTypeOf(document);
  const object = await bucket.get(document.r2Key);
  if (!object) throw new IngestError("The uploaded file is missing from storage; upload it again");
  if (object.size > documentLimits[contentType]) {
    await object.body.cancel();
    throw new IngestError(
      `This file is ${formatMegabytes(object.size)}: ${documentLimitStatement(contentType)}, so it cannot be indexed`,
    );
  }
  return new Uint8Array(await object.arrayBuffer());
}

function supportedTypeOf(document: DocumentRow): SupportedContentType {
  if (!isSupportedContentType(document.contentType)) {
    throw new IngestError(`Files of type ${document.contentType} cannot be ingested`);
  }
  return document.contentType;
}

async function chunkFile(
  bytes: Uint8Array,
  document: DocumentRow,
  { db, embeddingModelId, chunking }: IngestDependencies,
): Promise<Array<Omit<ChunkInput, "vectorReady">>> {
  const parsed = await parseDocument(bytes, supportedTypeOf(document));
  const title = await titleForVersion(db, document, parsed.title);
  const pause = createPacer(charactersPerTurn);
  const pieces = await chunkDocumentPaced(parsed, chunking, pause);
  if (pieces.length === 0) throw new IngestError("The document contains no text to index");

  const rows: Array<Omit<ChunkInput, "vectorReady">> = [];
  const seen = new Set<string>();
  for (const piece of pieces) {
    await pause(piece.text.length);
    const contentHash = await sha256Hex(`${title}\n${piece.headingPath}\n${piece.text}`);
    // The model is part of the vector id, so a new embedding model never reuses another model's vectors.
    // Ids stay within Vectorize's 64 bytes: 22-character document id, ":", 32 hex characters.
    const vectorId = `${document.id}:${(await sha256Hex(`${embeddingModelId}\n${contentHash}`)).slice(0, 32)}`;
    if (seen.has(vectorId)) continue;
    seen.add(vectorId);
    rows.push({
      vectorId,
      ordinal: rows.length,
      headingPath: piece.headingPath,
      page: piece.page,
      text: piece.text,
      contentHash,
    });
  }
  return rows;
}
