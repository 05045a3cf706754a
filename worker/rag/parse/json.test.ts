import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk";
import { DocumentParseError } from "./document-parse-error";
import { parseJson } from "./json";
import { parseDocument } from "./parse-document";
import { testFixtures } from "./test-fixtures";

function recordTexts(json: string): string[] {
  return parseJson(json).segments.map((segment) => segment.text);
}

describe("parseJson", () => {
  it("takes the records from the one array of objects, with the other keys as a first record", async () => {
    const parsed = await parseDocument(testFixtures["catalog.json"], "application/json");
    expect(parsed.title).toBe("Spring Catalog");
    expect(parsed.segments.every((segment) => segment.kind === "records" && segment.page === null)).toBe(true);
    expect(parsed.segments.map((segment) => segment.text)).toEqual([
      "title: Spring Catalog; currency: EUR",
      "id: tent-2p; name: Two-person tent; price: 249; tags: camping, shelter; specs.weight.value: 2.1; specs.weight.unit: kg; specs.seasons: 3",
      "id: stove; name: Camping stove; price: 59.5; tags: camping, cooking; specs.fuel: gas; specs.boilTimeMinutes: 3.5; discontinued: false",
      "id: sleeping-bag; name: Down sleeping bag; price: 189; specs.comfortTemperature.value: -2; specs.comfortTemperature.unit: °C",
    ]);
  });

  it("keeps every record whole in the chunks", async () => {
    const parsed = await parseDocument(testFixtures["catalog.json"], "application/json");
    const chunks = chunkDocument(parsed, { targetChars: 150, maxChars: 300 });
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual(["Record 1", "Record 2", "Record 3", "Record 4"]);
    expect(chunks.map((chunk) => chunk.text)).toEqual(parsed.segments.map((segment) => segment.text));
  });

  it("reads a top-level array as one record per element", () => {
    expect(
      recordTexts('[{"a": 1, "b": {"c": [1, 2]}}, {"a": 2, "d": [{"e": "x"}, {"e": "y"}]}, "plain", null]'),
    ).toEqual(["a: 1; b.c: 1, 2", "a: 2; d[0].e: x; d[1].e: y", "plain"]);
  });

  it("reads any other object as one record per top-level key", () => {
    expect(recordTexts('{"name": "Service", "limits": {"rps": 10, "burst": 20}, "regions": ["eu", "us"]}')).toEqual([
      "name: Service",
      "limits.rps: 10; limits.burst: 20",
      "regions: eu, us",
    ]);
    // Two arrays of objects: neither is the collection.
    expect(recordTexts('{"a": [{"x": 1}], "b": [{"y": 2}]}')).toEqual(["a[0].x: 1", "b[0].y: 2"]);
    expect(recordTexts('"just a string"')).toEqual(["just a string"]);
  });

  it("survives deep nesting", () => {
    const depth = 5000;
    const deep = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const [record] = recordTexts(deep);
    expect(record).toMatch(/^a(\.a)+: 1$/);
  });

  it("explains invalid JSON", async () => {
    const invalid = new TextEncoder().encode('{"a": 1,}');
    await expect(parseDocument(invalid, "application/json")).rejects.toThrow(DocumentParseError);
    await expect(parseDocument(invalid, "application/json")).rejects.toThrow(/^The JSON is not valid: /);
  });
});
