import { describe, expect, it } from "vitest";
import { parseQrels } from "./beir-dataset.ts";

describe("parseQrels", () => {
  it("skips the header and groups graded judgements by query", () => {
    const qrels = parseQrels("query-id\tcorpus-id\tscore\n1\td1\t1\n1\td2\t2\r\n3\td1\t0\n\n");
    expect([...qrels].map(([query, judgements]) => [query, [...judgements]])).toEqual([
      [
        "1",
        [
          ["d1", 1],
          ["d2", 2],
        ],
      ],
      ["3", [["d1", 0]]],
    ]);
  });

  it("rejects a malformed line", () => {
    expect(() => parseQrels("header\n1\td1\n")).toThrow(/query-id, corpus-id and score/);
  });
});
