import { type AnyNode, type Element, isTag, isText } from "domhandler";
import { Unzip, UnzipInflate } from "fflate";
import { DomHandler, Parser, parseDocument } from "htmlparser2";
import { formatMegabytes } from "../../lib/format-megabytes";
import { maxDocxXmlBytes } from "./document-limits";
import { DocumentParseError } from "./document-parse-error";
import type { ParsedDocument } from "./parsed-document";

const documentPart = "word/document.xml";
const stylesPart = "word/styles.xml";
const corePropertiesPart = "docProps/core.xml";
// Compressed input per step of unzipping: deflate expands at most about a thousandfold, so one step unpacks at most
// a few megabytes before the size cap is checked again.
const unzipInputBytes = 4 * 1024;
const maxStyleDepth = 10;
// Word nests runs, content controls and tables a few levels deep; a crafted file could nest them until the
// stack overflows, so anything deeper than this is not read.
const maxNestingDepth = 64;

// Where Word keeps text that is not part of the body's reading order (drawings repeat their text box
// content in a fallback copy), or that is no longer part of the document (tracked deletions).
const skippedElements = new Set([
  "w:pPr",
  "w:rPr",
  "w:del",
  "w:moveFrom",
  "w:drawing",
  "w:pict",
  "w:object",
  "mc:AlternateContent",
  "w:footnoteReference",
  "w:endnoteReference",
  "w:commentReference",
]);

interface ParagraphStyle {
  name: string;
  basedOn: string | null;
  outlineLevel: number | null;
  isList: boolean;
}

interface StyleTraits {
  headingLevel: number | null;
  isList: boolean;
}

interface Block {
  kind: "heading" | "list" | "paragraph" | "table";
  text: string;
}

/**
 * Reads a Word document as Markdown: paragraphs in order, heading styles (and outline levels) as `#`
 * headings, numbered or bulleted paragraphs as `- ` list items indented by level, and tables as pipe
 * tables with the first row as header. The title is the document's title property, else its first heading.
 * Text boxes, headers, footers, footnotes and comments are not read. Throws a `DocumentParseError` when the
 * file is not a readable DOCX.
 */
export function parseDocx(bytes: Uint8Array): ParsedDocument {
  const parts = unpack(bytes);
  const documentXml = parts.get(documentPart);
  if (documentXml === undefined) throw new DocumentParseError("The DOCX file is damaged: it has no document body");
  const styles = readStyles(parts.get(stylesPart)?.join(""));
  const blocks = renderDocumentXml(documentXml, styles);
  const markdown = joinBlocks(blocks);
  const firstHeading = blocks.find((block) => block.kind === "heading")?.text.replace(/^#+ /, "") ?? null;
  return {
    title: readTitle(parts.get(corePropertiesPart)?.join("")) ?? firstHeading,
    segments: markdown === "" ? [] : [{ text: markdown, page: null, kind: "markdown" }],
  };
}

// Unzips the parts it needs as a stream, a few kilobytes of compressed input at a time, and stops as soon as their
// unpacked size passes the cap: the sizes a zip declares can lie, so only counting the output protects memory. Each
// part comes back as the pieces of text it was decoded in, never joined into one string.
function unpack(bytes: Uint8Array): Map<string, string[]> {
  const wanted = new Set([documentPart, stylesPart, corePropertiesPart]);
  const parts = new Map<string, string[]>();
  let unpackedBytes = 0;
  let failure: DocumentParseError | null = null;
  const unzip = new Unzip((file) => {
    if (!wanted.has(file.name)) return;
    const pieces: string[] = [];
    const decoder = new TextDecoder();
    parts.set(file.name, pieces);
    file.ondata = (error, data, final) => {
      if (failure !== null) return;
      if (error) {
        failure = damagedArchive();
        return;
      }
      unpackedBytes += data.length;
      if (unpackedBytes > maxDocxXmlBytes) {
        failure = new DocumentParseError(
          `The DOCX file is too large to index once unpacked (its text and layout exceed ${formatMegabytes(maxDocxXmlBytes)})`,
        );
        file.terminate();
        return;
      }
      pieces.push(decoder.decode(data, { stream: !final }));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let offset = 0; offset < bytes.length && failure === null; offset += unzipInputBytes) {
      const end = Math.min(offset + unzipInputBytes, bytes.length);
      unzip.push(bytes.subarray(offset, end), end === bytes.length);
    }
  } catch {
    failure ??= damagedArchive();
  }
  if (failure !== null) throw failure;
  return parts;
}

function damagedArchive(): DocumentParseError {
  return new DocumentParseError("The DOCX file is damaged (it could not be unzipped)");
}

// Reads the body of `word/document.xml` one top-level block (paragraph, table, content control) at a time: a tree is
// built for that block only, rendered and dropped, so memory holds the XML and the text, never a tree of the whole
// document (which takes about seventeen times the XML).
function renderDocumentXml(pieces: string[], styles: Map<string, StyleTraits>): Block[] {
  const blocks: Block[] = [];
  let depth = 0;
  let isDocument = false;
  let body: "before" | "inside" | "after" = "before";
  let block: DomHandler | null = null;
  let blockDepth = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        depth += 1;
        if (block !== null) {
          block.onopentag(name, attributes);
        } else if (body === "inside" && depth === 3) {
          block = new DomHandler(null, { xmlMode: true });
          blockDepth = depth;
          block.onopentag(name, attributes);
        } else if (depth === 1) {
          isDocument = name === "w:document";
        } else if (depth === 2 && isDocument && body === "before" && name === "w:body") {
          body = "inside";
        }
      },
      ontext(text) {
        block?.ontext(text);
      },
      onclosetag() {
        if (block !== null) {
          block.onclosetag();
          if (depth === blockDepth) {
            block.onend();
            for (const rendered of renderBody(block.root.children, styles)) blocks.push(rendered);
            block = null;
          }
        } else if (depth === 2 && body === "inside") {
          body = "after";
        }
        depth -= 1;
      },
    },
    { xmlMode: true },
  );
  for (const piece of pieces) parser.write(piece);
  parser.end();
  return blocks;
}

function parseXml(xml: string): AnyNode[] {
  return parseDocument(xml, { xmlMode: true }).children;
}

function findChild(nodes: AnyNode[], ...path: string[]): Element | null {
  let current: Element | null = null;
  let children = nodes;
  for (const name of path) {
    current = children.find((node): node is Element => isTag(node) && node.name === name) ?? null;
    if (current === null) return null;
    children = current.children;
  }
  return current;
}

function childElements(element: Element, name: string): Element[] {
  return element.children.filter((node): node is Element => isTag(node) && node.name === name);
}

function readStyles(xml: string | undefined): Map<string, StyleTraits> {
  const declared = new Map<string, ParagraphStyle>();
  const root = xml === undefined ? null : findChild(parseXml(xml), "w:styles");
  for (const style of root ? childElements(root, "w:style") : []) {
    const id = style.attribs["w:styleId"];
    if (id === undefined || style.attribs["w:type"] !== "paragraph") continue;
    const properties = findChild(style.children, "w:pPr");
    declared.set(id, {
      name: findChild(style.children, "w:name")?.attribs["w:val"] ?? id,
      basedOn: findChild(style.children, "w:basedOn")?.attribs["w:val"] ?? null,
      outlineLevel: outlineLevelOf(properties),
      isList: properties !== null && findChild(properties.children, "w:numPr") !== null,
    });
  }
  const traits = new Map<string, StyleTraits>();
  for (const id of declared.keys()) traits.set(id, resolveStyle(declared, id));
  return traits;
}

// Word's built-in names ("heading 1", "Title") are stable across languages; the ids are not.
function resolveStyle(declared: Map<string, ParagraphStyle>, id: string): StyleTraits {
  let headingLevel: number | null = null;
  let isList = false;
  let current = declared.get(id);
  for (let depth = 0; current !== undefined && depth < maxStyleDepth; depth += 1) {
    headingLevel ??= headingLevelOfName(current.name) ?? current.outlineLevel;
    isList ||= current.isList;
    current = current.basedOn === null ? undefined : declared.get(current.basedOn);
  }
  return { headingLevel, isList };
}

function headingLevelOfName(name: string): number | null {
  if (/^title$/i.test(name)) return 1;
  const level = /^heading\s*([1-9])$/i.exec(name)?.[1];
  return level === undefined ? null : Number(level);
}

function outlineLevelOf(properties: Element | null): number | null {
  const value = properties ? findChild(properties.children, "w:outlineLvl")?.attribs["w:val"] : undefined;
  const level = Number(value);
  // Level 9 means body text.
  return value !== undefined && Number.isInteger(level) && level >= 0 && level < 9 ? level + 1 : null;
}

function renderBody(nodes: AnyNode[], styles: Map<string, StyleTraits>, depth = 0): Block[] {
  const blocks: Block[] = [];
  if (depth > maxNestingDepth) return blocks;
  for (const node of nodes) {
    if (!isTag(node)) continue;
    if (node.name === "w:p") {
      const block = renderParagraph(node, styles);
      if (block !== null) blocks.push(block);
    } else if (node.name === "w:tbl") {
      const table = renderTable(node);
      if (table !== null) blocks.push(table);
    } else if (node.name === "w:sdt" || node.name === "w:customXml") {
      const content = node.name === "w:sdt" ? findChild(node.children, "w:sdtContent") : node;
      for (const block of content ? renderBody(content.children, styles, depth + 1) : []) blocks.push(block);
    }
  }
  return blocks;
}

function renderParagraph(paragraph: Element, styles: Map<string, StyleTraits>): Block | null {
  const text = paragraphText(paragraph);
  if (text === "") return null;
  const properties = findChild(paragraph.children, "w:pPr");
  const styleId = properties ? findChild(properties.children, "w:pStyle")?.attribs["w:val"] : undefined;
  const style = styleId === undefined ? undefined : (styles.get(styleId) ?? fallbackStyle(styleId));
  const headingLevel = outlineLevelOf(properties) ?? style?.headingLevel ?? null;
  if (headingLevel !== null) {
    return { kind: "heading", text: `${"#".repeat(Math.min(headingLevel, 6))} ${text.replace(/\n/g, " ")}` };
  }
  const numbering = properties ? findChild(properties.children, "w:numPr") : null;
  const numberingId = numbering ? findChild(numbering.children, "w:numId")?.attribs["w:val"] : undefined;
  // numId 0 switches off numbering the paragraph's style would otherwise apply.
  const isList = numberingId === undefined ? (style?.isList ?? false) : numberingId !== "0";
  if (!isList) return { kind: "paragraph", text };
  const level = Number(numbering ? findChild(numbering.children, "w:ilvl")?.attribs["w:val"] : 0) || 0;
  return { kind: "list", text: `${"  ".repeat(Math.min(level, 8))}- ${text.replace(/\n/g, " ")}` };
}

// Documents without a styles part still carry Word's ids, such as "Heading1".
function fallbackStyle(styleId: string): StyleTraits {
  const level = /^heading([1-9])$/i.exec(styleId)?.[1];
  return { headingLevel: /^title$/i.test(styleId) ? 1 : level === undefined ? null : Number(level), isList: false };
}

function paragraphText(paragraph: Element): string {
  const pieces: string[] = [];
  const visit = (nodes: AnyNode[], depth: number) => {
    if (depth > maxNestingDepth) return;
    for (const node of nodes) {
      if (!isTag(node) || skippedElements.has(node.name)) continue;
      switch (node.name) {
        case "w:t":
          for (const child of node.children) if (isText(child)) pieces.push(child.data);
          break;
        case "w:tab":
        case "w:ptab":
          pieces.push(" ");
          break;
        case "w:br":
        case "w:cr":
          pieces.push("\n");
          break;
        case "w:noBreakHyphen":
          pieces.push("-");
          break;
        default:
          visit(node.children, depth + 1);
      }
    }
  };
  visit(paragraph.children, 0);
  return pieces
    .join("")
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .filter((line) => line !== "")
    .join("\n");
}

function renderTable(table: Element): Block | null {
  const rows = childElements(table, "w:tr").map((row) =>
    childElements(row, "w:tc").flatMap((cell) => {
      const text = cellText(cell).replace(/\|/g, "\\|");
      const properties = findChild(cell.children, "w:tcPr");
      const span = Number(properties ? findChild(properties.children, "w:gridSpan")?.attribs["w:val"] : 1) || 1;
      return [text, ...Array.from({ length: Math.min(Math.max(span, 1), 64) - 1 }, () => "")];
    }),
  );
  const filled = rows.filter((row) => row.some((cell) => cell !== ""));
  const columns = filled.reduce((widest, row) => Math.max(widest, row.length), 0);
  if (filled.length === 0 || columns === 0) return null;
  const line = (cells: string[]) =>
    `| ${Array.from({ length: columns }, (_, index) => cells[index] || " ").join(" | ")} |`;
  const [header = [], ...body] = filled;
  const lines = [line(header), line(Array.from({ length: columns }, () => "---")), ...body.map(line)];
  return { kind: "table", text: lines.join("\n") };
}

// A cell holds paragraphs and possibly nested tables; in a pipe table all of it must fit on one line.
function cellText(cell: Element): string {
  const pieces: string[] = [];
  const visit = (nodes: AnyNode[], depth: number) => {
    if (depth > maxNestingDepth) return;
    for (const node of nodes) {
      if (!isTag(node)) continue;
      if (node.name === "w:p") pieces.push(paragraphText(node).replace(/\n/g, " "));
      else if (node.name !== "w:tcPr") visit(node.children, depth + 1);
    }
  };
  visit(cell.children, 0);
  return pieces.filter((piece) => piece !== "").join(" ");
}

// Consecutive list items form one Markdown list; everything else is separated by a blank line.
function joinBlocks(blocks: Block[]): string {
  const pieces: string[] = [];
  blocks.forEach((block, index) => {
    if (index > 0) pieces.push(block.kind === "list" && blocks[index - 1]?.kind === "list" ? "\n" : "\n\n");
    pieces.push(block.text);
  });
  return pieces.join("");
}

function readTitle(xml: string | undefined): string | null {
  if (xml === undefined) return null;
  const title = findChild(parseXml(xml), "cp:coreProperties", "dc:title");
  const text = title?.children
    .filter(isText)
    .map((node) => node.data)
    .join("")
    .trim();
  return text ? text : null;
}
