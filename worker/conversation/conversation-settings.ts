/** Who owns a conversation, as the Worker authenticated them. */
export interface ConversationOwner {
  tenantId: string;
  subject: string;
}

/** Where the title came from: a later, better source replaces it, but nothing replaces the user's own. */
export type TitleSource = "question" | "generated" | "user";

export interface ConversationTitle {
  text: string;
  source: TitleSource;
}

/** The answer being generated, as recorded before generation starts, so a restart can tell it was cut off. */
export interface ActiveAnswer {
  answerId: string;
  startedAt: number;
}

interface SettingValues {
  owner: ConversationOwner;
  conversation: { id: string; createdAt: number };
  title: ConversationTitle;
  activeAnswer: ActiveAnswer;
  updatedAt: number;
}

/** The conversation's own small facts, one JSON value per key in the Durable Object's SQLite storage. */
export class ConversationSettings {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  get<Key extends keyof SettingValues>(key: Key): SettingValues[Key] | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
    return row ? JSON.parse(row.value) : null;
  }

  set<Key extends keyof SettingValues>(key: Key, value: SettingValues[Key]): void {
    this.sql.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }

  delete(key: keyof SettingValues): void {
    this.sql.exec("DELETE FROM settings WHERE key = ?", key);
  }
}
