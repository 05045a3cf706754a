import { asSchema, type UIMessageChunk, uiMessageChunkSchema } from "ai";
import { splitIntoPieces } from "./message-store";

// How long an answer stream may stay silent before a heartbeat comment keeps proxies from cutting it.
const heartbeatIntervalMs = 15_000;
// Longest text delta kept as one event; longer ones are split, so no event row nears SQLite's 2 MB limit.
const maximumDeltaLength = 64 * 1024;
// Events read from storage at a time while catching a reader up.
const pageSize = 64;
// Most events written in one INSERT: one bound parameter each, within SQLite's limit of 100 per statement.
const maximumBatch = 64;
// Once an answer's first text is stored, its text deltas are stored at most this often (with whatever else came in
// between): a model that sends a word every 20 ms then costs a statement, a commit and a reader's turn per 50 ms,
// not per word. Anything else, and the first text, is stored at the end of its turn.
const textDeltaIntervalMs = 50;
// The newest stored events kept in memory as well, for live readers: at most this many, and this many characters.
const maximumRecentEvents = 256;
const maximumRecentCharacters = 1_000_000;

// One buffered event: its SSE id and the UI message chunk as JSON.
interface StoredEvent {
  id: number;
  body: string;
}

/** What a reader of the buffer is told: where to start, and whether more events may still come. */
export interface SubscribeOptions {
  /** Send the events after this id; 0 replays from the start. */
  afterId: number;
  /** True while the answer is still being generated; once false, the reader ends after the last event. */
  isLive: () => boolean;
  heartbeatMs?: number;
}

interface Wait {
  promise: Promise<boolean>;
  cancel: () => void;
}

const encoder = new TextEncoder();

/**
 * The events of a conversation's latest answer, in Durable Object SQLite: every UI message chunk, numbered by an
 * ever-growing id (the SSE `id:`), so any reader can replay the answer from its start or continue after the last
 * event it saw, and then follow the live tail. The events stay until the next answer starts, so a reader that missed
 * the end of an answer can still catch up on it.
 *
 * Appends are written in batches: the events appended in one turn of the event loop (at most {@link maximumBatch})
 * become one INSERT at the end of that turn, or sooner when the batch is full or someone reads; the text deltas after
 * an answer's first wait up to {@link textDeltaIntervalMs} after the last batch, and go with the next. Text deltas that
 * follow each other in a batch are stored as one. Readers are woken only once their events are stored, so a reader
 * is never sent an event that a restart could lose, and the ids it has seen stay those of the stored events: resuming
 * after any of them continues exactly after it.
 *
 * The newest stored events are also kept in memory ({@link maximumRecentEvents}), and a reader that has caught up
 * reads them from there: a live answer's readers then cost one INSERT per batch, not one SELECT each as well. A reader
 * further behind, or one of a new instance of the object (after a restart), reads from SQLite. This holds because the
 * buffer is the only writer of its table.
 */
export class StreamBuffer {
  private readonly waiters = new Set<() => void>();
  // The batch to store: chunks as JSON, taken when appended, and text deltas as text, to which the next can be added.
  private pending: Array<string | PendingText> = [];
  // The newest stored events, in id order and without gaps up to the last one stored: what a live reader reads.
  private recent: StoredEvent[] = [];
  private recentCharacters = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  // When the pending batch is due to be stored (the flush timer's time), and when the last one was.
  private flushDue = 0;
  private lastFlushAt = 0;
  // Whether the current answer has had a text delta: the later ones wait for the interval.
  private textStored = false;
  // A batch that could not be written, raised to the next caller that appends or reads.
  private failure: unknown = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS stream_events (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
  }

  /** Drops the previous answer's events; AUTOINCREMENT keeps the next ids above every id already handed out. */
  clear(): void {
    this.flush();
    this.sql.exec("DELETE FROM stream_events");
    this.recent = [];
    this.recentCharacters = 0;
    this.textStored = false;
  }

  /**
   * Adds a chunk; it is stored, and its readers woken, by the end of this turn of the event loop, or, for a text
   * delta after the answer's first, within {@link textDeltaIntervalMs} of the last batch stored.
   */
  append(chunk: UIMessageChunk): void {
    this.raiseFailure();
    const pieces =
      chunk.type === "text-delta" && chunk.delta.length > maximumDeltaLength
        ? splitIntoPieces(chunk.delta, maximumDeltaLength).map((delta) => ({ ...chunk, delta }))
        : [chunk];
    for (const piece of pieces) {
      const text = plainTextDelta(piece);
      const last = this.pending.at(-1);
      if (
        text &&
        typeof last === "object" &&
        last.id === text.id &&
        last.delta.length + text.delta.length <= maximumDeltaLength
      ) {
        last.delta += text.delta;
      } else {
        this.pending.push(text ?? JSON.stringify(piece));
      }
      if (this.pending.length >= maximumBatch) this.flush();
    }
    if (this.pending.length === 0) return;
    if (chunk.type === "text-delta" && this.textStored) this.flushBy(this.lastFlushAt + textDeltaIntervalMs);
    else this.flushBy(0);
    if (chunk.type === "text-delta") this.textStored = true;
  }

  /** Stores the chunks appended so far and wakes the readers waiting for them. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.raiseFailure();
    if (this.pending.length === 0) return;
    this.lastFlushAt = Date.now();
    const bodies = this.pending.map((entry) =>
      typeof entry === "string" ? entry : JSON.stringify({ type: "text-delta", id: entry.id, delta: entry.delta }),
    );
    this.pending = [];
    // One statement for the batch; the rows get their ids in the order of the VALUES list.
    const ids = this.sql
      .exec<{ id: number }>(
        `INSERT INTO stream_events (body) VALUES ${bodies.map(() => "(?)").join(", ")} RETURNING id`,
        ...bodies,
      )
      .toArray()
      .map((row) => row.id)
      .sort((a, b) => a - b);
    this.remember(bodies.map((body, index) => ({ id: ids[index] ?? 0, body })));
    this.notify();
  }

  /** Tells waiting readers to look again, e.g. because the answer has ended; what was appended is stored first. */
  wake(): void {
    try {
      this.flush();
    } catch (error) {
      // Readers then end after the events that were stored, as they would had the append itself failed.
      console.error("Could not store the last events of the answer", error);
    }
    this.notify();
  }

  /** The buffered chunks, in order, each checked against the AI SDK's schema of a UI message chunk. */
  async chunks(): Promise<UIMessageChunk[]> {
    this.flush();
    const rows = this.sql.exec<{ body: string }>("SELECT body FROM stream_events ORDER BY id").toArray();
    const chunks: UIMessageChunk[] = [];
    for (const row of rows) chunks.push(await parseChunk(row.body));
    return chunks;
  }

  hasEventsAfter(id: number): boolean {
    this.flush();
    return this.sql.exec("SELECT 1 FROM stream_events WHERE id > ? LIMIT 1", id).toArray().length > 0;
  }

  /**
   * The events after `afterId` as an SSE byte stream: `id: n` and `data: <chunk>` per event, `: ping` after each
   * silent `heartbeatMs`, and `data: [DONE]` once the answer is over and every event is sent. Cancelling the stream
   * (the client went away) only stops this reader, never the answer.
   */
  subscribe({ afterId, isLive, heartbeatMs = heartbeatIntervalMs }: SubscribeOptions): ReadableStream<Uint8Array> {
    let cursor = afterId;
    let cancelled = false;
    let waiting: Wait | undefined;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (!cancelled) {
          // Read liveness before the events: an answer that ends in between then still gets its last events sent.
          const live = isLive();
          const events = this.eventsAfter(cursor);
          const last = events.at(-1);
          if (last) {
            cursor = last.id;
            controller.enqueue(encoder.encode(events.map(formatEvent).join("")));
            return;
          }
          if (!live) {
            controller.enqueue(encoder.encode("data: [DONE]\n\n"));
            controller.close();
            return;
          }
          waiting = this.nextChange(heartbeatMs);
          const changed = await waiting.promise;
          waiting = undefined;
          if (!changed && !cancelled) {
            controller.enqueue(encoder.encode(": ping\n\n"));
            return;
          }
        }
      },
      cancel: () => {
        cancelled = true;
        waiting?.cancel();
      },
    });
  }

  // Stores the pending batch at `time` (0: at the end of this turn), or sooner if it is already due sooner.
  private flushBy(time: number): void {
    if (this.flushTimer !== undefined && this.flushDue <= time) return;
    clearTimeout(this.flushTimer);
    this.flushDue = time;
    this.flushTimer = setTimeout(() => this.flushLater(), Math.max(0, time - Date.now()));
  }

  // The timed flush: a failure is kept for whoever appends or reads next, as a write of their own would fail.
  private flushLater(): void {
    this.flushTimer = undefined;
    try {
      this.flush();
    } catch (error) {
      this.failure = error;
      this.notify();
    }
  }

  private raiseFailure(): void {
    const failure = this.failure;
    if (failure === null) return;
    this.failure = null;
    this.pending = [];
    throw failure;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  // Keeps the events just stored as the newest, dropping the oldest beyond the limits.
  private remember(events: StoredEvent[]): void {
    for (const event of events) {
      this.recent.push(event);
      this.recentCharacters += event.body.length;
    }
    let drop = 0;
    while (
      drop < this.recent.length &&
      (this.recent.length - drop > maximumRecentEvents || this.recentCharacters > maximumRecentCharacters)
    ) {
      this.recentCharacters -= this.recent[drop]?.body.length ?? 0;
      drop++;
    }
    if (drop > 0) this.recent = this.recent.slice(drop);
  }

  private eventsAfter(id: number): StoredEvent[] {
    this.flush();
    // Everything after `id` is in memory when the newest events there reach back to the one just after it.
    const oldest = this.recent[0];
    if (oldest && id >= oldest.id - 1) {
      let start = this.recent.length;
      while (start > 0 && (this.recent[start - 1]?.id ?? 0) > id) start--;
      return this.recent.slice(start, start + pageSize);
    }
    return this.sql
      .exec<{ id: number; body: string }>(
        "SELECT id, body FROM stream_events WHERE id > ? ORDER BY id LIMIT ?",
        id,
        pageSize,
      )
      .toArray();
  }

  // Resolves true when the buffer changes (or the wait is cancelled), false after `timeoutMs` without a change.
  private nextChange(timeoutMs: number): Wait {
    let settle: (changed: boolean) => void = () => {};
    const promise = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const finish = (changed: boolean) => {
      clearTimeout(timer);
      this.waiters.delete(wake);
      settle(changed);
    };
    const wake = () => finish(true);
    const timer = setTimeout(() => finish(false), timeoutMs);
    this.waiters.add(wake);
    return { promise, cancel: wake };
  }
}

// A text delta of a batch that the next one of the same text part can be added to.
interface PendingText {
  id: string;
  delta: string;
}

/**
 * The text of a text delta that carries nothing else (no provider metadata), as a {@link PendingText}: text deltas that
 * follow each other in a batch are stored as one event, the same text in fewer events and rows. Null for any other
 * chunk.
 */
function plainTextDelta(chunk: UIMessageChunk): PendingText | null {
  if (chunk.type !== "text-delta" || chunk.providerMetadata !== undefined) return null;
  return { id: chunk.id, delta: chunk.delta };
}

const chunkSchema = asSchema(uiMessageChunkSchema);

async function parseChunk(body: string): Promise<UIMessageChunk> {
  const result = await chunkSchema.validate?.(JSON.parse(body));
  if (!result) throw new Error("The UI message chunk schema cannot validate");
  if (!result.success) throw result.error;
  return result.value;
}

function formatEvent(event: StoredEvent): string {
  return `id: ${event.id}\ndata: ${event.body}\n\n`;
}
