import { validateUIMessages } from "ai";
import { type ChatMessage, chatMessageSchemas } from "../contract";

// Characters of a message's JSON per SQLite row. A UTF-16 code unit takes at most three bytes in UTF-8, so a row
// stays under 800 KB, well clear of the 2 MB row limit of Durable Object storage.
const messagePieceLength = 256 * 1024;

/**
 * A conversation's messages in the Durable Object's SQLite storage, oldest first. A message is stored as its JSON
 * text: the first piece in `messages.body`, the rest (only for very long messages) in `message_pieces`.
 */
export class MessageStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly pieceLength = messagePieceLength,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS message_pieces (
        message_seq INTEGER NOT NULL,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (message_seq, position)
      );`);
  }

  /** Adds the message, or replaces the stored one with the same id (keeping its place). */
  save(message: ChatMessage): void {
    const [head = "", ...rest] = splitIntoPieces(JSON.stringify(message), this.pieceLength);
    const { seq } = this.sql
      .exec<{ seq: number }>(
        `INSERT INTO messages (id, role, body, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body
         RETURNING seq`,
        message.id,
        message.role,
        head,
        Date.now(),
      )
      .one();
    this.sql.exec("DELETE FROM message_pieces WHERE message_seq = ?", seq);
    rest.forEach((piece, index) => {
      this.sql.exec("INSERT INTO message_pieces (message_seq, position, body) VALUES (?, ?, ?)", seq, index + 1, piece);
    });
  }

  /** The role of the stored message with this id, or null when there is none. */
  roleOf(id: string): string | null {
    return this.sql.exec<{ role: string }>("SELECT role FROM messages WHERE id = ?", id).toArray()[0]?.role ?? null;
  }

  /** The id of the newest message with this role, or null when there is none. */
  latestId(role: ChatMessage["role"]): string | null {
    return (
      this.sql
        .exec<{ id: string }>("SELECT id FROM messages WHERE role = ? ORDER BY seq DESC LIMIT 1", role)
        .toArray()[0]?.id ?? null
    );
  }

  /** Deletes every message saved after the one with this id (an edited question drops what answered it). */
  deleteAfter(id: string): void {
    const seq = this.seqOf(id);
    if (seq === null) return;
    this.sql.exec("DELETE FROM message_pieces WHERE message_seq > ?", seq);
    this.sql.exec("DELETE FROM messages WHERE seq > ?", seq);
  }

  count(): number {
    return this.sql.exec<{ count: number }>("SELECT count(*) AS count FROM messages").one().count;
  }

  /** The stored message with this id, or null. */
  async get(id: string): Promise<ChatMessage | null> {
    const row = this.sql
      .exec<StoredRow>(`SELECT seq, body, ${pieceCount} AS pieces FROM messages WHERE id = ?`, id)
      .toArray()[0];
    if (!row) return null;
    const [message] = await parseMessages([this.text(row)]);
    return message ?? null;
  }

  /**
   * The newest messages before cursor `before` (a `seq`; all when undefined), oldest first, as the text of a JSON
   * array: stored JSON is passed on without parsing it. At most `limit` messages, and no more once their text passes
   * `maximumCharacters` (but always one, however long). `olderCursor` continues with older messages; null at the start.
   */
  page({ before, limit, maximumCharacters }: PageRequest): MessagePage {
    const bodies: string[] = [];
    let characters = 0;
    let oldest: number | null = null;
    for (const row of this.rowsNewestFirst(before ?? Number.MAX_SAFE_INTEGER)) {
      if (bodies.length >= limit) break;
      const text = this.text(row);
      if (bodies.length > 0 && characters + text.length > maximumCharacters) break;
      bodies.push(text);
      characters += text.length;
      oldest = row.seq;
    }
    bodies.reverse();
    const olderExists =
      oldest !== null && this.sql.exec("SELECT 1 FROM messages WHERE seq < ? LIMIT 1", oldest).toArray().length > 0;
    return { messagesJson: `[${bodies.join(",")}]`, olderCursor: olderExists ? oldest : null };
  }

  /**
   * The messages newest first, before the one with id `before` when given, read and checked a page at a time so a
   * long conversation is never loaded whole.
   */
  async *newestFirst({
    before,
    pageSize = 20,
  }: {
    before?: string;
    pageSize?: number;
  } = {}): AsyncGenerator<ChatMessage> {
    const rows = this.rowsNewestFirst(
      before === undefined ? Number.MAX_SAFE_INTEGER : (this.seqOf(before) ?? 0),
      pageSize,
    );
    let page: string[] = [];
    for (const row of rows) {
      page.push(this.text(row));
      if (page.length < pageSize) continue;
      yield* await parseMessages(page);
      page = [];
    }
    if (page.length > 0) yield* await parseMessages(page);
  }

  private seqOf(id: string): number | null {
    return this.sql.exec<{ seq: number }>("SELECT seq FROM messages WHERE id = ?", id).toArray()[0]?.seq ?? null;
  }

  // Rows with `seq` below `before`, newest first, read from storage `pageSize` at a time as the caller goes.
  private *rowsNewestFirst(before: number, pageSize = 20): Generator<StoredRow> {
    let cursor = before;
    while (true) {
      const rows = this.sql
        .exec<StoredRow>(
          `SELECT seq, body, ${pieceCount} AS pieces FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
          cursor,
          pageSize,
        )
        .toArray();
      yield* rows;
      const last = rows.at(-1);
      if (last === undefined || rows.length < pageSize) return;
      cursor = last.seq;
    }
  }

  private text(row: StoredRow): string {
    if (row.pieces === 0) return row.body;
    const rest = this.sql
      .exec<{ body: string }>("SELECT body FROM message_pieces WHERE message_seq = ? ORDER BY position", row.seq)
      .toArray()
      .map((piece) => piece.body);
    return row.body + rest.join("");
  }
}

type StoredRow = { seq: number; body: string; pieces: number };

const pieceCount = "(SELECT count(*) FROM message_pieces WHERE message_seq = messages.seq)";

/** Which messages a page holds: those before `before` (a cursor from an earlier page), at most `limit`. */
export interface PageRequest {
  before?: number | undefined;
  limit: number;
  maximumCharacters: number;
}

/** A page of messages, oldest first, and the cursor of the older ones (null when there are none). */
export interface MessagePage {
  messagesJson: string;
  olderCursor: number | null;
}

/** Checks messages against the `ChatMessage` schemas, metadata and data parts included. */
export async function checkMessages(messages: readonly unknown[]): Promise<ChatMessage[]> {
  return validateUIMessages<ChatMessage>({ messages, ...chatMessageSchemas });
}

function parseMessages(texts: readonly string[]): Promise<ChatMessage[]> {
  return checkMessages(texts.map((text) => JSON.parse(text)));
}

/** Cuts text into pieces of at most `length` code units, never between the two halves of a surrogate pair. */
export function splitIntoPieces(text: string, length: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + length, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - start > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces.length > 0 ? pieces : [""];
}
