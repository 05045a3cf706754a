import type { DocumentView } from "../../worker/contract.ts";
import { runConcurrently } from "./run-concurrently.ts";

export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Called once for each document as soon as it is ready or failed. */
  onSettled: (document: DocumentView) => void;
  sleep?: (milliseconds: number) => Promise<void>;
  now?: () => number;
}

const concurrentRequests = 8;

/**
 * Polls each document until it is ready or failed, or until the timeout; returns the last state seen of
 * every document, so the ones still in progress can be reported as such.
 */
export async function waitForDocuments(
  ids: string[],
  getDocument: (id: string) => Promise<DocumentView>,
  { intervalMs, timeoutMs, onSettled, sleep = defaultSleep, now = Date.now }: WaitOptions,
): Promise<Map<string, DocumentView>> {
  const latest = new Map<string, DocumentView>();
  const deadline = now() + timeoutMs;
  let pending = [...new Set(ids)];
  while (pending.length > 0) {
    await runConcurrently(pending, concurrentRequests, async (id) => {
      const document = await getDocument(id);
      latest.set(id, document);
      if (isSettled(document)) onSettled(document);
    });
    pending = pending.filter((id) => {
      const document = latest.get(id);
      return !document || !isSettled(document);
    });
    if (pending.length === 0 || now() >= deadline) break;
    await sleep(intervalMs);
  }
  return latest;
}

function isSettled(document: DocumentView): boolean {
  return document.status === "ready" || document.status === "failed";
}

function defaultSleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
