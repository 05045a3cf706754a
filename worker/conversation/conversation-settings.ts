import { z } from "zod";
import { retrievalFilterSchema, roleSchema } from "../contract";
import { retrievedChunkSchema } from "../rag/retrieved-chunk";

const ownerSchema = z.object({ tenantId: z.string(), subject: z.string() });

/** Who owns a conversation, as the Worker authenticated them. */
export type ConversationOwner = z.infer<typeof ownerSchema>;

const titleSchema = z.object({
  text: z.string(),
  /** Where the title came from: a later, better source replaces it, but nothing replaces the user's own. */
  source: z.enum(["question", "generated", "user"]),
});

export type ConversationTitle = z.infer<typeof titleSchema>;

const activeAnswerSchema = z.object({
  answerId: z.string(),
  startedAt: z.number(),
  /** The question being answered. Absent in records written before answers could be continued. */
  questionId: z.string().optional(),
  filter: retrievalFilterSchema.optional(),
  /**
   * The role and groups of the asker, which decide the collections retrieval may read. Records from before collections
   * had access get the fewest rights: a member in no group.
   */
  reader: z.object({ role: roleSchema, groups: z.array(z.string()) }).default({ role: "member", groups: [] }),
  /** The passages the answer is written from, saved before it cites any, so a continuation cites the same ones. */
  sources: z.array(retrievedChunkSchema).nullable().default(null),
  /** The parts of the question those passages do not cover. */
  uncoveredParts: z.array(z.string()).optional(),
  /** How often the answer was taken up again after a restart; a limit keeps a crashing answer from looping. */
  continuations: z.number().int().min(0).default(0),
});

/**
 * The answer being generated, recorded before generation starts, so that a restart can tell it was cut off and has
 * what it needs to continue it.
 */
export type ActiveAnswer = z.infer<typeof activeAnswerSchema>;

interface SettingValues {
  owner: ConversationOwner;
  conversation: { id: string; createdAt: number };
  title: ConversationTitle;
  activeAnswer: ActiveAnswer;
  updatedAt: number;
}

// Each stored value is parsed on the way out: storage written by an older version must not pass as the current shape.
const settingSchemas: { [Key in keyof SettingValues]: z.ZodType<SettingValues[Key], unknown> } = {
  owner: ownerSchema,
  conversation: z.object({ id: z.string(), createdAt: z.number() }),
  title: titleSchema,
  activeAnswer: activeAnswerSchema,
  updatedAt: z.number(),
};

/** The conversation's own small facts, one JSON value per key in the Durable Object's SQLite storage. */
export class ConversationSettings {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  }

  get<Key extends keyof SettingValues>(key: Key): SettingValues[Key] | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
    return row ? settingSchemas[key].parse(JSON.parse(row.value)) : null;
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
