import { deleteDocument } from "./delete-document";
import { embedSlices } from "./embed-slices";
import { fetchDocument } from "./fetch-document";
import type { IngestDependencies } from "./ingest-dependencies";
import type {
  EmbedSliceMessage,
  FetchMessage,
  IngestMessage,
  IngestVersionMessage,
  SyncSourceMessage,
} from "./ingest-message";
import { prepareVersions } from "./prepare-versions";
import { syncSource } from "./sync-source";

/**
 * Runs a batch of ingest queue messages, grouping them by step so D1, the embedding model and the vector
 * index are called once per group rather than once per document. Returns the error of each message that
 * failed; a failure of a shared step fails every message of its group.
 */
export async function processIngestMessages(
  deps: IngestDependencies,
  messages: IngestMessage[],
): Promise<Map<IngestMessage, unknown>> {
  const failures = new Map<IngestMessage, unknown>();
  const versions = messages.filter((message): message is IngestVersionMessage => message.type === "ingest");
  const slices = messages.filter((message): message is EmbedSliceMessage => message.type === "embed-slice");
  const deletions = messages.filter((message) => message.type === "delete");
  const fetches = messages.filter((message): message is FetchMessage => message.type === "fetch");
  const syncs = messages.filter((message): message is SyncSourceMessage => message.type === "sync-source");

  await Promise.all([
    prepareVersions(deps, versions).then(
      (failed) => {
        for (const [message, error] of failed) failures.set(message, error);
      },
      (error: unknown) => {
        for (const message of versions) failures.set(message, error);
      },
    ),
    embedSlices(deps, slices).catch((error: unknown) => {
      for (const message of slices) failures.set(message, error);
    }),
    ...deletions.map((message) =>
      deleteDocument(deps, message).catch((error: unknown) => {
        failures.set(message, error);
      }),
    ),
    ...fetches.map((message) =>
      fetchDocument(deps, message).catch((error: unknown) => {
        failures.set(message, error);
      }),
    ),
    ...syncs.map((message) =>
      syncSource(deps, message).catch((error: unknown) => {
        failures.set(message, error);
      }),
    ),
  ]);
  return failures;
}
