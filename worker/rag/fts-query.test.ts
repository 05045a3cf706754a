import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { toFtsMatchQuery } from "./fts-query";

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
