import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { toFtsMatchQuery, toWeightedFtsMatchQuery } from "./fts-query";

describe("toFtsMatchQuery", () => {
  it("quotes distinct lower-cased words joined with OR", () => {
    expect(toFtsMatchQuery("Install Wrangler, then install Node")).toBe('"install" OR "wrangler" OR "node"');
  });

  it("drops stopwords but keeps them when nothing else is left", () => {
    expect(toFtsMatchQuery("What is the refund policy?")).toBe('"refund" OR "policy"');
    expect(toFtsMatchQuery("Who are you?")).toBe('"who" OR "are" OR "you"');
  });

  it("turns FTS5 syntax into plain words", () => {
    expect(toFtsMatchQuery('"foo" AND (bar')).toBe('"foo" OR "bar"');
    expect(toFtsMatchQuery("NEAR(")).toBe('"near"');
    expect(toFtsMatchQuery("-x col:val pre*")).toBe('"x" OR "col" OR "val" OR "pre"');
  });

  it("keeps non-Latin words whole, including combining marks", () => {
    expect(toFtsMatchQuery("Café naïve São Paulo")).toBe('"café" OR "naïve" OR "são" OR "paulo"');
    expect(toFtsMatchQuery("हिन्दी भाषा")).toBe('"हिन्दी" OR "भाषा"');
  });

  it("returns null when there are no words", () => {
    for (const input of ["", "   ", "*", "()", '"', "🙂🚀", "-- ++ ::"]) {
      expect(toFtsMatchQuery(input)).toBeNull();
    }
  });

  it("caps the number of terms", () => {
    const text = Array.from({ length: 50 }, (_, index) => `word${index}`).join(" ");
    expect(toFtsMatchQuery(text)?.split(" OR ")).toHaveLength(32);
  });
});

describe("toWeightedFtsMatchQuery", () => {
  it("repeats the strongest term twice and the others in proportion", () => {
    const match = toWeightedFtsMatchQuery([
      { term: "ice", weight: 0.25 },
      { term: "penguin", weight: 0.75 },
      { term: "rare", weight: 0.1 },
    ]);
    const phrases = match?.split(" OR ") ?? [];
    expect(phrases.filter((phrase) => phrase === '"penguin"')).toHaveLength(2);
    expect(phrases.filter((phrase) => phrase === '"ice"')).toHaveLength(1);
    expect(phrases).not.toContain('"rare"');
  });

  it("keeps every word of a long question and drops the weakest terms past 64 phrases", () => {
    const question = Array.from({ length: 32 }, (_, index) => ({ term: `word${index}`, weight: 0.6 / 32 }));
    const expansion = Array.from({ length: 40 }, (_, index) => ({ term: `extra${index}`, weight: 0.4 / 40 }));
    const phrases = toWeightedFtsMatchQuery([...expansion, ...question])?.split(" OR ") ?? [];
    expect(phrases).toHaveLength(64);
    expect(new Set(phrases).size).toBe(32);
    expect(phrases.every((phrase) => phrase.startsWith('"word'))).toBe(true);
  });

  it("returns null without weight", () => {
    expect(toWeightedFtsMatchQuery([])).toBeNull();
    expect(toWeightedFtsMatchQuery([{ term: "x", weight: 0 }])).toBeNull();
  });
});

describe("toFtsMatchQuery against a real FTS5 table", () => {
  const rows = [
    "Install Wrangler with npm before deploying the worker.",
    "Refunds are processed within five business days.",
    "The NEAR operator and column filters are FTS5 syntax.",
    "Café opening hours in São Paulo.",
    "हिन्दी भाषा का दस्तावेज़",
  ];

  beforeAll(async () => {
    await env.DB.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS fts_escape_test USING fts5(text, tokenize='porter unicode61')",
    );
    await env.DB.prepare("DELETE FROM fts_escape_test").run();
    await env.DB.batch(
      rows.map((text, index) =>
        env.DB.prepare("INSERT INTO fts_escape_test (rowid, text) VALUES (?, ?)").bind(index + 1, text),
      ),
    );
  });

  async function matchRowIds(userText: string): Promise<number[]> {
    const query = toFtsMatchQuery(userText);
    if (query === null) return [];
    const result = await env.DB.prepare(
      "SELECT rowid FROM fts_escape_test WHERE fts_escape_test MATCH ? ORDER BY rowid",
    )
      .bind(query)
      .all<{ rowid: number }>();
    return result.results.map((row) => row.rowid);
  }

  it.each([
    ['"foo" AND (bar', []],
    ["NEAR(", [3]],
    ["NEAR(install, refunds)", [1, 2, 3]],
    ["*", []],
    ["-x", []],
    ["col:val", []],
    ["text:refund", [2]],
    ["^install", [1]],
    ["🙂 café", [4]],
    ["भाषा?", [5]],
    ["", []],
    ["'; DROP TABLE fts_escape_test; --", []],
    ["AND OR NOT", []],
    ["How do I install wrangler?", [1]],
    ["deploy", [1]],
  ] satisfies Array<[string, number[]]>)("runs %j without error and matches sensibly", async (input, expected) => {
    expect(await matchRowIds(input)).toEqual(expected);
  });
});

describe("toWeightedFtsMatchQuery against a real FTS5 table", () => {
  beforeAll(async () => {
    await env.DB.exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS fts_weight_test USING fts5(text, tokenize='porter unicode61')",
    );
    await env.DB.prepare("DELETE FROM fts_weight_test").run();
    await env.DB.batch(
      ["Seals rest on the beach.", "Walruses rest on the ice.", "Gulls fly over the harbour."].map((text, index) =>
        env.DB.prepare("INSERT INTO fts_weight_test (rowid, text) VALUES (?, ?)").bind(index + 1, text),
      ),
    );
  });

  async function bestRowId(seal: number, walrus: number): Promise<number | undefined> {
    const query = toWeightedFtsMatchQuery([
      { term: "seals", weight: seal },
      { term: "walruses", weight: walrus },
    ]);
    const result = await env.DB.prepare(
      "SELECT rowid FROM fts_weight_test WHERE fts_weight_test MATCH ? ORDER BY bm25(fts_weight_test) LIMIT 1",
    )
      .bind(query)
      .first<{ rowid: number }>();
    return result?.rowid;
  }

  it("ranks by the weighted terms: bm25() counts a repeated phrase each time", async () => {
    expect(await bestRowId(0.8, 0.2)).toBe(1);
    expect(await bestRowId(0.2, 0.8)).toBe(2);
  });
});
