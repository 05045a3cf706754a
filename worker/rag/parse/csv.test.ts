import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk";
import { parseCsv } from "./csv";
import { parseDocument } from "./parse-document";
import { testFixtures } from "./test-fixtures";

describe("parseCsv", () => {
  it("turns every non-empty row into one record of header: value pairs", async () => {
    const parsed = await parseDocument(testFixtures["products.csv"], "text/csv");
    expect(parsed.title).toBeNull();
    expect(parsed.segments.every((segment) => segment.kind === "records" && segment.page === null)).toBe(true);
    expect(parsed.segments.map((segment) => segment.text).slice(0, 4)).toEqual([
      "sku: A-100; name: Trail Runner; category: Shoes; price: 89.90; description: Lightweight running shoe, for rough terrain",
      "sku: A-101; name: City Walker; category: Shoes; price: 74.50; description: Everyday shoe with a cushioned sole",
      "sku: B-200; name: Rain Shell; category: Jackets; price: 129.00; description: Waterproof jacket with taped seams",
      "sku: B-201; name: Fleece Mid; category: Jackets; price: 59.00",
    ]);
    expect(parsed.segments).toHaveLength(11);
    expect(parsed.segments.at(-1)?.text).toBe(
      "sku: E-502; name: First Aid Kit; category: Gear; price: 24.00; description: Compact kit for day hikes",
    );
  });

  it("packs whole rows into chunks named by their record numbers", async () => {
    const parsed = await parseDocument(testFixtures["products.csv"], "text/csv");
    const chunks = chunkDocument(parsed, { targetChars: 300 });
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      "Records 1–2",
      "Records 3–5",
      "Records 6–8",
      "Records 9–10",
      "Record 11",
    ]);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(300);
    expect(chunks.flatMap((chunk) => chunk.text.split("\n"))).toEqual(parsed.segments.map((segment) => segment.text));
  });

  it("detects other delimiters and names cells beyond the header", () => {
    const parsed = parseCsv("\uFEFFcity;country\nLyon;France;extra\n;\n");
    expect(parsed.segments.map((segment) => segment.text)).toEqual(["city: Lyon; country: France; Column 3: extra"]);
  });

  it("returns no records for a header without rows", () => {
    expect(parseCsv("a,b\n")).toEqual({ title: null, segments: [] });
  });
});
