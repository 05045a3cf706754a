import { describe, expect, it } from "vitest";
import {
  type ContentTypeEvidence,
  detectContentType,
  docxContentType,
  isSupportedContentType,
  maxSniffBytes,
} from "./supported-types";
import { testFixtures } from "./test-fixtures";

const encoder = new TextEncoder();

function detect(head: Uint8Array | string, filename: string, declaredType: string | null = null) {
  const bytes = typeof head === "string" ? encoder.encode(head) : head;
  const evidence: ContentTypeEvidence = { head: bytes.subarray(0, maxSniffBytes), filename, declaredType };
  return detectContentType(evidence);
}

describe("detectContentType", () => {
  it("detects every fixture from its bytes", () => {
    expect(detect(testFixtures["handbook.md"], "handbook.md", "text/markdown")).toBe("text/markdown");
    expect(detect(testFixtures["notes.txt"], "notes.txt", "text/plain")).toBe("text/plain");
    expect(detect(testFixtures["article.html"], "article.html", "text/html")).toBe("text/html");
    expect(detect(testFixtures["report.pdf"], "report.pdf", "application/pdf")).toBe("application/pdf");
    expect(detect(testFixtures["policy.docx"], "policy.docx", null)).toBe(docxContentType);
    expect(detect(testFixtures["products.csv"], "products.csv", "text/csv")).toBe("text/csv");
    expect(detect(testFixtures["catalog.json"], "catalog.json", "application/json")).toBe("application/json");
  });

  it("trusts the bytes over the name and the declared type", () => {
    expect(detect(testFixtures["report.pdf"], "report.txt", "text/plain")).toBe("application/pdf");
    expect(detect(testFixtures["policy.docx"], "policy.md", "text/markdown")).toBe(docxContentType);
    expect(detect(testFixtures["image.png"], "image.md", "text/markdown")).toBeNull();
    expect(detect(testFixtures["image.png"], "image.png", "image/png")).toBeNull();
  });

  it("rejects binary content whatever it is called", () => {
    expect(detect(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), "latin1.txt", "text/plain")).toBeNull();
    expect(detect(Uint8Array.from([0x68, 0x69, 0x00, 0x21]), "nul.txt", "text/plain")).toBeNull();
  });

  it("allows a multi-byte character cut off at the end of the head, but not elsewhere", () => {
    const text = encoder.encode(`${"a".repeat(10)}é`);
    expect(detect(text.subarray(0, text.length - 1), "cut.txt")).toBe("text/plain");
    const broken = Uint8Array.from([...text.subarray(0, text.length - 1), 0x61]);
    expect(detect(broken, "broken.txt")).toBeNull();
  });

  it("requires word/document.xml for a ZIP to be a DOCX", () => {
    expect(detect(zipWithEntries(["[Content_Types].xml", "xl/workbook.xml"]), "sheet.docx")).toBeNull();
    expect(detect(zipWithEntries(["[Content_Types].xml", "_rels/.rels", "word/document.xml"]), "x.bin")).toBe(
      docxContentType,
    );
  });

  it("detects JSON only when named or declared JSON and starting like JSON", () => {
    expect(detect('  [{"a": 1}]', "data.json")).toBe("application/json");
    expect(detect('{"a": 1}', "export", "application/json; charset=utf-8")).toBe("application/json");
    expect(detect('{"a": 1}', "response", "application/problem+json")).toBe("application/json");
    expect(detect('{"a": 1}', "notes.txt", "text/plain")).toBe("text/plain");
    expect(detect("just words", "data.json")).toBe("text/plain");
    expect(detect("[link](https://example.com)", "links.md")).toBe("text/markdown");
  });

  it("detects HTML from a doctype or html tag, or from the name when there are tags", () => {
    expect(detect("<!DOCTYPE html><title>x</title>", "page.txt")).toBe("text/html");
    expect(detect("\n  <html lang=en><body>x</body></html>", "page")).toBe("text/html");
    expect(detect("<div><p>fragment</p></div>", "fragment.htm")).toBe("text/html");
    expect(detect("<p>fragment</p>", "fragment", "text/html")).toBe("text/html");
    expect(detect("no tags at all", "page.html")).toBe("text/plain");
  });

  it("detects CSV from the name or declared type when the delimiter is consistent", () => {
    expect(detect("a,b,c\n1,2,3\n4,5,6\n", "table.csv")).toBe("text/csv");
    expect(detect("a;b\n1;2\n3;4", "semicolons.csv")).toBe("text/csv");
    expect(detect('name,quote\nAda,"said ""hi"", then left"\nBob,', "quoted", "text/csv")).toBe("text/csv");
    // The last line may be cut off by the end of the head.
    expect(detect("a,b,c\n1,2,3\n4,5", "cut.csv")).toBe("text/csv");
    expect(detect("a,b,c\n1,2\n3,4,5,6\n7\n", "ragged.csv")).toBe("text/plain");
    expect(detect("a single column\nof words\n", "list.csv")).toBe("text/plain");
    expect(detect("a,b,c\n1,2,3\n", "table.txt")).toBe("text/plain");
  });

  it("uses the extension, then the declared type, to tell Markdown from plain text", () => {
    expect(detect("# Title", "README.MD")).toBe("text/markdown");
    expect(detect("# Title", "guide.markdown")).toBe("text/markdown");
    expect(detect("# Title", "upload", "text/markdown")).toBe("text/markdown");
    expect(detect("# Title", "notes.txt", "text/markdown")).toBe("text/plain");
    expect(detect("# Title", "Makefile")).toBe("text/plain");
    expect(detect("# Title", "docs.v2/README")).toBe("text/plain");
    expect(detect("", "empty.txt")).toBe("text/plain");
  });
});

describe("isSupportedContentType", () => {
  it("accepts exactly the supported media types", () => {
    expect(isSupportedContentType("text/markdown")).toBe(true);
    expect(isSupportedContentType(docxContentType)).toBe(true);
    expect(isSupportedContentType("text/plain; charset=utf-8")).toBe(false);
    expect(isSupportedContentType("image/png")).toBe(false);
  });
});

// Local file headers only (no data, no central directory): all the sniffer reads.
function zipWithEntries(names: string[]): Uint8Array {
  const parts = names.map((name) => {
    const nameBytes = encoder.encode(name);
    const header = new Uint8Array(30 + nameBytes.length);
    header.set([0x50, 0x4b, 0x03, 0x04], 0);
    new DataView(header.buffer).setUint16(26, nameBytes.length, true);
    header.set(nameBytes, 30);
    return header;
  });
  const zip = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    zip.set(part, offset);
    offset += part.length;
  }
  return zip;
}
