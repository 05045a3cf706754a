import articleHtml from "../../../test/fixtures/documents/article.html?raw";
import catalogJson from "../../../test/fixtures/documents/catalog.json?raw";
import handbookMarkdown from "../../../test/fixtures/documents/handbook.md?raw";
import imagePng from "../../../test/fixtures/documents/image.png?url&inline";
import notesText from "../../../test/fixtures/documents/notes.txt?raw";
import policyDocx from "../../../test/fixtures/documents/policy.docx?url&inline";
import productsCsv from "../../../test/fixtures/documents/products.csv?raw";
import reportPdf from "../../../test/fixtures/documents/report.pdf?url&inline";

const encoder = new TextEncoder();

/**
 * The files in test/fixtures/documents as bytes, for tests. Vite inlines them at import time (text as is,
 * binaries as base64 data URLs), since code running in workerd cannot read the file system.
 */
export const testFixtures = {
  "article.html": encoder.encode(articleHtml),
  "catalog.json": encoder.encode(catalogJson),
  "handbook.md": encoder.encode(handbookMarkdown),
  "image.png": dataUrlBytes(imagePng),
  "notes.txt": encoder.encode(notesText),
  "policy.docx": dataUrlBytes(policyDocx),
  "products.csv": encoder.encode(productsCsv),
  "report.pdf": dataUrlBytes(reportPdf),
} satisfies Record<string, Uint8Array>;

function dataUrlBytes(dataUrl: string): Uint8Array {
  const binary = atob(dataUrl.slice(dataUrl.indexOf(",") + 1));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}
