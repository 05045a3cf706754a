import { getDocumentProxy } from "unpdf";
import { maxPdfPages } from "./document-limits";
import { DocumentParseError } from "./document-parse-error";
import type { DocumentSegment, ParsedDocument } from "./parsed-document";

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type PdfTextContent = Awaited<ReturnType<Awaited<ReturnType<PdfDocument["getPage"]>>["getTextContent"]>>;

// A placed run of text; pdf.js reports position and size in PDF units (points, origin bottom left).
interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  fontSize: number;
}

// Baseline-to-baseline distance, in font sizes, beyond which a new line also starts a new paragraph.
const paragraphGap = 1.75;
// Horizontal distance, in font sizes, beyond which two runs on one line are separate words (or cells).
const wordGap = 0.1;

/**
 * Extracts the text layer of a PDF, one text segment per page with its 1-based page number (pages without
 * text are left out). Runs of text are joined by their positions: a space between separate words or table
 * cells, a line break between lines, a blank line where the vertical gap suggests a new paragraph. The
 * title comes from the document information dictionary. Throws a `DocumentParseError` for damaged or
 * password-protected files, for PDFs without any text layer (scans) and for PDFs longer than `maxPdfPages`.
 */
export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  const document = await openPdf(bytes);
  try {
    if (document.numPages > maxPdfPages) {
      throw new DocumentParseError(
        `The PDF has ${document.numPages.toLocaleString("en-US")} pages; PDFs are limited to ${maxPdfPages.toLocaleString("en-US")} pages`,
      );
    }
    const segments: DocumentSegment[] = [];
    for (let pageNumber = 1; pageNumber <= document.numPages; pageNumber += 1) {
      // One page at a time, releasing each, so a long document never holds every page's objects at once.
      const page = await document.getPage(pageNumber);
      const text = layOutText(await page.getTextContent());
      page.cleanup();
      if (text !== "") segments.push({ text, page: pageNumber, kind: "text" });
    }
    if (segments.length === 0) throw new DocumentParseError("The PDF has no text layer (is it a scan?)");
    return { title: await titleOf(document), segments };
  } finally {
    await document.loadingTask.destroy();
  }
}

async function openPdf(bytes: Uint8Array): Promise<PdfDocument> {
  try {
    // pdf.js may transfer (detach) the buffer it is given, and the caller still owns `bytes`.
    return await getDocumentProxy(bytes.slice(), { verbosity: 0, disableFontFace: true });
  } catch (error) {
    if (error instanceof Error && error.name === "PasswordException") {
      throw new DocumentParseError("The PDF is password-protected; upload a copy without a password");
    }
    if (error instanceof Error && /^(?:InvalidPDFException|FormatError|UnknownErrorException)$/.test(error.name)) {
      throw new DocumentParseError("The PDF file is damaged or is not a PDF");
    }
    throw error;
  }
}

async function titleOf(document: PdfDocument): Promise<string | null> {
  const { info } = await document.getMetadata();
  const title = "Title" in info && typeof info.Title === "string" ? info.Title.trim() : "";
  return title === "" ? null : title;
}

function layOutText(content: PdfTextContent): string {
  const pieces: string[] = [];
  let previous: TextRun | null = null;
  for (const item of content.items) {
    if (!("str" in item) || item.str === "") continue;
    const [, , skew = 0, scale = 0, x = 0, y = 0]: number[] = item.transform;
    const run: TextRun = { text: item.str, x, y, width: item.width, fontSize: Math.hypot(skew, scale) || item.height };
    if (previous !== null) pieces.push(separatorBetween(previous, run));
    pieces.push(run.text);
    previous = run;
  }
  return pieces
    .join("")
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function separatorBetween(previous: TextRun, next: TextRun): string {
  const size = Math.max(previous.fontSize, next.fontSize, 1);
  const drop = previous.y - next.y;
  if (Math.abs(drop) > size / 2) return drop > size * paragraphGap || drop < 0 ? "\n\n" : "\n";
  const touching = next.x - (previous.x + previous.width) <= size * wordGap;
  return touching || /\s$/.test(previous.text) || /^\s/.test(next.text) ? "" : " ";
}
