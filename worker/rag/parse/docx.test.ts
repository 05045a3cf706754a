import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../chunk";
import { DocumentParseError } from "./document-parse-error";
import { parseDocx } from "./docx";
import { parseDocument } from "./parse-document";
import { docxContentType } from "./supported-types";
import { testFixtures } from "./test-fixtures";

const encoder = new TextEncoder();

describe("parseDocx", () => {
  it("reads headings, paragraphs, lists and tables as Markdown, with the title property", async () => {
    const parsed = await parseDocument(testFixtures["policy.docx"], docxContentType);
    expect(parsed.title).toBe("Remote Work Policy");
    expect(parsed.segments).toHaveLength(1);
    expect(parsed.segments[0]?.kind).toBe("markdown");
    expect(parsed.segments[0]?.text).toBe(
      [
        "# Remote Work Policy",
        "This policy explains who may work remotely, how to request it, and what equipment the company provides.",
        "## Eligibility",
        "Employees who have completed their probation period may apply. Roles on site are excluded.",
        "## How to apply",
        [
          "- Agree the schedule with your manager.",
          "- Submit the remote work form in the HR portal.",
          "  - Attach a photo of your home workspace.",
        ].join("\n"),
        "## Equipment allowance",
        "The company pays for the following items once every three years:",
        [
          "| Item | Allowance |",
          "| --- | --- |",
          "| Monitor | 250 EUR |",
          "| Office chair | 300 EUR |",
          "| Headset | 80 EUR |",
        ].join("\n"),
        "Receipts must be submitted within 30 days",
      ].join("\n\n"),
    );
  });

  it("chunks under the document's heading paths, keeping the table whole", async () => {
    const parsed = await parseDocument(testFixtures["policy.docx"], docxContentType);
    const chunks = chunkDocument(parsed, { targetChars: 400 });
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      "Remote Work Policy",
      "Remote Work Policy > Eligibility",
      "Remote Work Policy > How to apply",
      "Remote Work Policy > Equipment allowance",
    ]);
    expect(chunks[2]?.text).toBe(
      "- Agree the schedule with your manager.\n- Submit the remote work form in the HR portal.\n  - Attach a photo of your home workspace.",
    );
    expect(chunks[3]?.text).toBe(
      [
        "The company pays for the following items once every three years:",
        "| Item | Allowance |\n| --- | --- |\n| Monitor | 250 EUR |\n| Office chair | 300 EUR |\n| Headset | 80 EUR |",
        "Receipts must be submitted within 30 days",
      ].join("\n\n"),
    );
  });

  it("follows style inheritance, outline levels and switched-off numbering; skips deletions and drawings", () => {
    const styles = xml(
      "w:styles",
      '<w:style w:type="paragraph" w:styleId="Kop1"><w:name w:val="heading 1"/></w:style>' +
        '<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="Chapter"/><w:basedOn w:val="Kop1"/></w:style>' +
        '<w:style w:type="paragraph" w:styleId="Bullets"><w:name w:val="Bullets"/><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>',
    );
    const body = [
      paragraph("Chapter", "Inherited heading"),
      '<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>Outline heading</w:t></w:r></w:p>',
      paragraph("Bullets", "Styled bullet"),
      '<w:p><w:pPr><w:pStyle w:val="Bullets"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Not a bullet</w:t></w:r></w:p>',
      '<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:del><w:r><w:delText>removed</w:delText></w:r></w:del>' +
        "<w:ins><w:r><w:t>inserted</w:t></w:r></w:ins><w:r><w:tab/><w:t>after tab &amp; more</w:t></w:r>" +
        "<w:r><w:drawing><w:t>drawing text</w:t></w:drawing></w:r></w:p>",
      `<w:sdt><w:sdtContent>${paragraph(null, "Inside a content control")}</w:sdtContent></w:sdt>`,
    ].join("");
    const parsed = parseDocx(docx({ "word/document.xml": documentXml(body), "word/styles.xml": styles }));
    expect(parsed.title).toBe("Inherited heading");
    expect(parsed.segments[0]?.text).toBe(
      [
        "# Inherited heading",
        "### Outline heading",
        "- Styled bullet",
        "Not a bullet",
        "Kept inserted after tab & more",
        "Inside a content control",
      ].join("\n\n"),
    );
  });

  it("recognises Word's heading ids without a styles part", () => {
    const parsed = parseDocx(docx({ "word/document.xml": documentXml(paragraph("Heading2", "Section")) }));
    expect(parsed.segments[0]?.text).toBe("## Section");
  });

  it("explains why a DOCX cannot be read", async () => {
    const notZip = encoder.encode("PK\u0003\u0004 but not really a zip");
    await expect(parseDocument(notZip, docxContentType)).rejects.toThrow(DocumentParseError);
    await expect(parseDocument(notZip, docxContentType)).rejects.toThrow("The DOCX file is damaged");
    expect(() => parseDocx(docx({ "word/other.xml": "<x/>" }))).toThrow("The DOCX file is damaged");
  });
});

function docx(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, content]) => [name, encoder.encode(content)])));
}

function xml(root: string, content: string): string {
  const namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><${root} ${namespace}>${content}</${root}>`;
}

function documentXml(body: string): string {
  return xml("w:document", `<w:body>${body}<w:sectPr/></w:body>`);
}

function paragraph(style: string | null, text: string): string {
  const properties = style === null ? "" : `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>`;
  return `<w:p>${properties}<w:r><w:t>${text}</w:t></w:r></w:p>`;
}
