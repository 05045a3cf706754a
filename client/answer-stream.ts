import { z } from "zod";

/** A UI message chunk of a chat answer (`text-delta`, `data-sources`, `error`, …): a type, and fields by type. */
const chunkSchema = z.looseObject({ type: z.string() });

/** One event of an SSE answer stream: its `id:` and the UI message chunk in its `data:`. */
export interface StreamEvent {
  id: number | null;
  chunk: z.infer<typeof chunkSchema>;
}

/** What a stream sent, in order: events, `: comment` lines, and whether it ended with `[DONE]`. */
export interface ReadStream {
  events: StreamEvent[];
  comments: string[];
  done: boolean;
}

/**
 * Reads an SSE answer (`POST /api/chat`, `GET /api/chat/:id/stream`) event by event, as a browser's EventSource
 * would, so a caller can time each event or stop reading (disconnect) at any point.
 */
export class StreamReader {
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = "";
  readonly comments: string[] = [];
  done = false;

  constructor(response: { body: ReadableStream | null }) {
    if (!response.body) throw new Error("the response has no body");
    this.reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** The next event, or null at the end of the stream. Comments and `[DONE]` are recorded on the way. */
  async next(): Promise<StreamEvent | null> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = this.parse(block);
        if (event) return event;
        continue;
      }
      const { done, value } = await this.reader.read();
      if (done) return null;
      this.buffer += value;
    }
  }

  /** Up to `count` more events. */
  async take(count: number): Promise<StreamEvent[]> {
    const events: StreamEvent[] = [];
    while (events.length < count) {
      const event = await this.next();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  async rest(): Promise<ReadStream> {
    const events: StreamEvent[] = [];
    for (let event = await this.next(); event; event = await this.next()) events.push(event);
    return { events, comments: this.comments, done: this.done };
  }

  /** The client goes away. */
  async disconnect(): Promise<void> {
    await this.reader.cancel();
  }

  private parse(block: string): StreamEvent | null {
    let id: number | null = null;
    let data: string | null = null;
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
      else if (line.startsWith("id: ")) id = Number(line.slice(4));
      else if (line.startsWith("data: ")) data = line.slice(6);
    }
    if (data === null) return null;
    if (data === "[DONE]") {
      this.done = true;
      return null;
    }
    return { id, chunk: chunkSchema.parse(JSON.parse(data)) };
  }
}

export async function readStream(response: { body: ReadableStream | null }): Promise<ReadStream> {
  return new StreamReader(response).rest();
}

/** The answer text the events carry: their text deltas, joined. */
export function streamedText(events: readonly StreamEvent[]): string {
  return events.flatMap((event) => (event.chunk.type === "text-delta" ? [String(event.chunk.delta)] : [])).join("");
}
