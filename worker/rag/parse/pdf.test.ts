import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk";
import { DocumentParseError } from "./document-parse-error";
import { parseDocument } from "./parse-document";
import { testFixtures } from "./test-fixtures";

describe("parsePdf", () => {
  it("extracts one text segment per page with its page number and the title from the metadata", async () => {
    const parsed = await parseDocument(testFixtures["report.pdf"], "application/pdf");
    expect(parsed.title).toBe("Quarterly Operations Report");
    expect(parsed.segments.map(({ page, kind }) => [page, kind])).toEqual([
      [1, "text"],
      [2, "text"],
      [3, "text"],
    ]);
    const [first, second, third] = parsed.segments.map((segment) => segment.text);
    expect(first).toMatch(/^Quarterly Operations Report\n\nThis operations summary covers the second quarter\./);
    expect(first).toContain("Average dispatch time\ndropped from 31 hours to 19 hours as a result.");
    expect(third).toContain("The main risk is the carrier contract,");
    // The table's cells come out row by row, separated by spaces.
    for (const row of [
      "Region Q1 revenue Q2 revenue Growth",
      "North 1200 1350 12.5%",
      "South 980 1010 3.1%",
      "East 760 905 19.1%",
      "West 1105 1090 -1.4%",
    ]) {
      expect(second?.split("\n")).toContain(row);
    }
  });

  it("does not detach the caller's bytes", async () => {
    const bytes = testFixtures["report.pdf"].slice();
    await parseDocument(bytes, "application/pdf");
    expect(bytes.byteLength).toBe(testFixtures["report.pdf"].byteLength);
  });

  it("chunks page by page, keeping page numbers", async () => {
    const parsed = await parseDocument(testFixtures["report.pdf"], "application/pdf");
    const chunks = chunkDocument(parsed, { targetChars: 120, overlapChars: 30 });
    expect(chunks.length).toBeGreaterThan(3);
    expect([...new Set(chunks.map((chunk) => chunk.page))]).toEqual([1, 2, 3]);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(240);
      if (chunk.page !== 2) expect(chunk.text).not.toMatch(/North|Region/);
      if (chunk.page !== 1) expect(chunk.text).not.toContain("dispatch");
    }
    const pageTwo = chunks.filter((chunk) => chunk.page === 2).map((chunk) => chunk.text);
    for (const row of ["Region Q1 revenue Q2 revenue Growth", "North 1200 1350 12.5%", "West 1105 1090 -1.4%"]) {
      expect(pageTwo.some((text) => text.includes(row))).toBe(true);
    }
  });

  it("explains why a PDF cannot be read", async () => {
    const damaged = new TextEncoder().encode("%PDF-1.7\nthis is not really a PDF\n");
    await expect(parseDocument(damaged, "application/pdf")).rejects.toThrow(DocumentParseError);
    await expect(parseDocument(damaged, "application/pdf")).rejects.toThrow("The PDF file is damaged or is not a PDF");
    await expect(parseDocument(imageOnlyPdf(), "application/pdf")).rejects.toThrow(
      "The PDF has no text layer (is it a scan?)",
    );
  });
});

// A valid one-page PDF that draws a rectangle and no text, like a scan without OCR.
function imageOnlyPdf(): Uint8Array {
  const content = "0 0 100 100 re f";
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(pdf.length);
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) pdf += `${String(offset).padStart(10, "0")} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}
