/**
 * Files that push ingestion to its limits, for `npm run bench:parse-memory`, `npm run bench:hostile` and the tests
 * of hostile documents: every supported type at its size limit, megabyte runs of punctuation, and a DOCX bomb (a
 * small zip of highly compressed XML). Deterministic, written in memory, no network.
 */
import { strToU8, zipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { documentLimits, maxDocxXmlBytes, maxPdfPages } from "../../worker/rag/parse/document-limits";

export interface HostileFile {
  /** What the file is, in a report. */
  name: string;
  filename: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const words = (
  "the quarterly report shows deliveries rose in every region while support backlog fell to its lowest level " +
  "warehouse teams moved to two shifts and dispatch time dropped carriers renewed contracts for the autumn season " +
  "engineers measured latency across regions and found caching halved response times for most customers"
).split(" ");

/** Sentences of varied prose, `count` of them, the same for the same `seed`. */
export function sentences(count: number, seed = 1): string[] {
  const result: string[] = [];
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  for (let index = 0; index < count; index += 1) {
    const length = 8 + (next() % 14);
    const chosen = Array.from({ length }, () => words[next() % words.length] ?? "the");
    const sentence = chosen.join(" ");
    result.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)} ${index}.`);
  }
  return result;
}

/** Markdown of about `size` bytes: headed sections of paragraphs, lists and code. */
export function markdownText(size: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let section = 0; length < size; section += 1) {
    const prose = sentences(12, section + 1);
    const part = [
      `## Section ${section}`,
      prose.slice(0, 6).join(" "),
      prose
        .slice(6, 9)
        .map((sentence) => `- ${sentence}`)
        .join("\n"),
      `\`\`\`\nconst section = ${section};\n\`\`\``,
      prose.slice(9).join(" "),
    ].join("\n\n");
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join("\n\n").slice(0, size);
}

/** `unit` repeated to `size` bytes (of UTF-8: "…" is three bytes). */
export function run(unit: string, size: number): Uint8Array {
  const unitBytes = encoder.encode(unit).length;
  return encoder.encode(unit.repeat(Math.floor(size / unitBytes)));
}

/** HTML of about `size` bytes: an article of headings, paragraphs, lists and tables. */
export function htmlText(size: number): string {
  const parts = ["<!doctype html><html><head><title>Large article</title></head><body><main>"];
  let length = parts[0]?.length ?? 0;
  for (let section = 0; length < size - 100; section += 1) {
    const prose = sentences(10, section + 1);
    const part =
      `<h2>Section ${section}</h2><p>${prose.slice(0, 5).join(" ")}</p>` +
      `<ul>${prose
        .slice(5, 8)
        .map((sentence) => `<li>${sentence}</li>`)
        .join("")}</ul>` +
      `<table><tr><th>Region</th><th>Value</th></tr><tr><td>North</td><td>${section}</td></tr></table>` +
      `<p>${prose.slice(8).join(" ")}</p>`;
    parts.push(part);
    length += part.length;
  }
  parts.push("</main></body></html>");
  return parts.join("");
}

/** CSV of about `size` bytes. */
export function csvText(size: number): string {
  const rows = ["id,region,quarter,summary"];
  let length = rows[0]?.length ?? 0;
  for (let index = 0; length < size; index += 1) {
    const row = `${index},Region ${index % 7},Q${(index % 4) + 1},"${sentences(1, index + 1)[0]}"`;
    rows.push(row);
    length += row.length + 1;
  }
  return rows.join("\n");
}

/** A JSON array of records, about `size` bytes. */
export function jsonText(size: number): string {
  const records: string[] = [];
  let length = 2;
  for (let index = 0; length < size; index += 1) {
    const record = JSON.stringify({ id: index, region: `Region ${index % 7}`, summary: sentences(2, index + 1) });
    records.push(record);
    length += record.length + 1;
  }
  return `[${records.join(",")}]`;
}

/** A DOCX whose document body is about `xmlBytes` of paragraphs; `repetitive` ones compress a thousandfold. */
export function docxFile(xmlBytes: number, repetitive: boolean): Uint8Array {
  const paragraphs: string[] = [];
  let length = 0;
  for (let index = 0; length < xmlBytes; index += 1) {
    const text = repetitive ? "Lorem ipsum dolor sit amet." : (sentences(1, index + 1)[0] ?? "");
    const paragraph = `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;
    paragraphs.push(paragraph);
    length += paragraph.length;
  }
  const namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  const document = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${namespace}"><w:body>${paragraphs.join("")}</w:body></w:document>`;
  const contentTypes =
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
  return zipSync(
    { "[Content_Types].xml": strToU8(contentTypes), "word/document.xml": strToU8(document) },
    { level: 9, mtime: new Date("2026-01-15T09:00:00Z") },
  );
}

/** A PDF of `pages` pages of dense text (50 lines of 90 characters). */
export async function pdfFile(pages: number): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (let page = 0; page < pages; page += 1) {
    const sheet = pdf.addPage([595, 842]);
    sentences(50, page + 1).forEach((line, index) => {
      sheet.drawText(line.padEnd(90, " x").slice(0, 90), { x: 40, y: 800 - index * 15, size: 9, font });
    });
  }
  return pdf.save({ useObjectStreams: false });
}

const megabyte = 1024 * 1024;

/** Every supported type just under its size limit, a DOCX just under the XML cap, and the DOCX bomb. */
export async function filesAtLimits(): Promise<HostileFile[]> {
  const under = (limit: number) => limit - 64 * 1024;
  const limits = documentLimits;
  return [
    { name: "Markdown", filename: "large.md", bytes: encoder.encode(markdownText(under(limits["text/markdown"]))) },
    { name: "plain text", filename: "large.txt", bytes: encoder.encode(markdownText(under(limits["text/plain"]))) },
    { name: "HTML", filename: "large.html", bytes: encoder.encode(htmlText(under(limits["text/html"]))) },
    { name: "CSV", filename: "large.csv", bytes: encoder.encode(csvText(under(limits["text/csv"]))) },
    { name: "JSON", filename: "large.json", bytes: encoder.encode(jsonText(under(limits["application/json"]))) },
    { name: "PDF, dense text at the page cap", filename: "long.pdf", bytes: await pdfFile(maxPdfPages) },
    { name: "PDF, one page over the cap", filename: "too-long.pdf", bytes: await pdfFile(maxPdfPages + 1) },
    { name: "DOCX at the XML cap", filename: "large.docx", bytes: docxFile(under(maxDocxXmlBytes), false) },
    { name: "DOCX bomb, 61 MB of XML", filename: "bomb.docx", bytes: docxFile(61 * megabyte, true) },
  ];
}

/** One megabyte of each kind of punctuation run, as Markdown files. */
export function punctuationRuns(): HostileFile[] {
  const units: Record<string, string> = {
    "full stops": ".",
    "exclamation marks": "!",
    "question marks": "?",
    ellipses: "…",
    "mixed terminals": ".!?…",
    hashes: "#",
    pipes: "|",
    backticks: "`",
    "digits and dots": "1.",
    "short sentences": "A. ",
    newlines: "\n",
  };
  return Object.entries(units).map(([name, unit]) => ({
    name: `1 MB of ${name}`,
    filename: `${name.replace(/ /g, "-")}.md`,
    bytes: run(unit, megabyte),
  }));
}
