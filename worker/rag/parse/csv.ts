import Papa from "papaparse";
import type { ParsedDocument } from "./parsed-document";

/**
 * Reads CSV (the delimiter is detected: comma, semicolon, tab or pipe) as one record per row after the
 * header row: `Header: value; Other header: value`, leaving out empty cells and skipping empty rows.
 * Cells beyond the header are named `Column N`. CSV declares no title.
 */
export function parseCsv(text: string): ParsedDocument {
  const { data } = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), {
    delimitersToGuess: [",", ";", "\t", "|"],
    skipEmptyLines: "greedy",
  });
  const [header = [], ...rows] = data;
  const names = header.map((name, index) => oneLine(name) || `Column ${index + 1}`);
  const segments = rows.flatMap((row) => {
    const fields = row.flatMap((value, index) => {
      const cell = oneLine(value);
      return cell === "" ? [] : [`${names[index] ?? `Column ${index + 1}`}: ${cell}`];
    });
    return fields.length === 0 ? [] : [{ text: fields.join("; "), page: null, kind: "records" as const }];
  });
  return { title: null, segments };
}

// A record is one line: line breaks inside quoted cells become spaces.
function oneLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}
