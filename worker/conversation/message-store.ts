import type { ChatMessage } from "../contract";

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

  has(id: string): boolean {
    return this.sql.exec("SELECT 1 FROM messages WHERE id = ?", id).toArray().length > 0;
  }

  count(): number {
    return this.sql.exec<{ count: number }>("SELECT count(*) AS count FROM messages").one().count;
  }

  /** Every message, oldest first, as the text of a JSON array: stored JSON is passed on without parsing it. */
  allAsJson(): string {
    const bodies = this.sql
      .exec<{ seq: number; body: string; pieces: number }>(
        `SELECT seq, body, (SELECT count(*) FROM message_pieces WHERE message_seq = messages.seq) AS pieces
         FROM messages ORDER BY seq`,
      )
      .toArray()
      .map((row) => this.text(row));
    return `[${bodies.join(",")}]`;
  }

  /** The messages newest first, read a page at a time so a long conversation is never loaded whole. */
  *newestFirst(pageSize = 20): Generator<ChatMessage> {
    let before = Number.MAX_SAFE_INTEGER;
    while (true) {
      const rows = this.sql
        .exec<{ seq: number; body: string; pieces: number }>(
          `SELECT seq, body, (SELECT count(*) FROM message_pieces WHERE message_seq = messages.seq) AS pieces
           FROM messages WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
          before,
          pageSize,
        )
        .toArray();
      for (const row of rows) yield this.parse(row);
      const last = rows.at(-1);
      if (last === undefined || rows.length < pageSize) return;
      before = last.seq;
    }
  }

  private parse(row: { seq: number; body: string; pieces: number }): ChatMessage {
    return JSON.parse(this.text(row));
  }

  private text(row: { seq: number; body: string; pieces: number }): string {
    if (row.pieces === 0) return row.body;
    const rest = this.sql
      .exec<{ body: string }>("SELECT body FROM message_pieces WHERE message_seq = ? ORDER BY position", row.seq)
      .toArray()
      .map((piece) => piece.body);
    return row.body + rest.join("");
  }
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
