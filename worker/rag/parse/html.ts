import { type AnyNode, type Document, type Element, isTag, isText, type ParentNode } from "domhandler";
import { parseDocument } from "htmlparser2";
import type { ParsedDocument } from "./parsed-document";

// Chrome around the content, and things that are not text at all.
const droppedElements = new Set([
  "head",
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "aside",
  "form",
  "button",
  "dialog",
  "iframe",
  "object",
  "embed",
  "canvas",
  "svg",
  "math",
]);
const droppedRoles = new Set(["navigation", "banner", "contentinfo"]);
// A header or footer is the page's banner or footer only outside these; inside, it belongs to the content
// (an article's header holds its title), as the ARIA mapping of HTML says.
const sectioningElements = new Set(["article", "section", "main"]);
const inlineElements = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "big",
  "br",
  "cite",
  "code",
  "data",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "img",
  "ins",
  "kbd",
  "label",
  "mark",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "time",
  "tt",
  "u",
  "var",
  "wbr",
]);
const codeElements = new Set(["code", "kbd", "samp", "tt"]);
const headingPattern = /^h([1-6])$/;
const hiddenStylePattern = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b/i;
const codeLanguagePattern = /(?:^|\s)lang(?:uage)?-([\w+#.-]+)/;
const whitespacePattern = /[ \t\n\r\f\u00a0]+/g;
// Unclosed tags can nest elements thousands deep; below this depth a subtree is read as one paragraph of
// text, by loops rather than recursion, so the stack never runs out.
const maxStructureDepth = 100;

// `inSection`: inside an article, section or main, where header and footer are part of the content.
// `depth`: how many block elements deep the walk is.
interface WalkContext {
  inSection: boolean;
  depth: number;
}

/**
 * Reads HTML as Markdown, keeping only the main content: scripts, styles, navigation, the page header and
 * footer, asides, forms and hidden elements are dropped, and `<main>` (or the page's articles) is preferred
 * to the whole body. Headings, paragraphs, lists, code blocks and tables become their Markdown equivalents
 * so the Markdown chunker keeps the structure. The title comes from `<title>`, else the first `<h1>`.
 */
export function parseHtml(html: string): ParsedDocument {
  const document = parseDocument(html);
  const { roots, inSection } = findContent(document);
  const context: WalkContext = { inSection, depth: 0 };
  const markdown = roots.flatMap((root) => renderBlocks(root.children, context)).join("\n\n");
  return {
    title: titleOf(document.children, roots, context),
    segments: markdown === "" ? [] : [{ text: markdown, page: null, kind: "markdown" }],
  };
}

// A fragment without <body> is read whole.
function findContent(document: Document): { roots: ParentNode[]; inSection: boolean } {
  const nodes = document.children;
  const outsideContent = (element: Element, inSection: boolean) => isDropped(element, inSection);
  const main = findElements(nodes, outsideContent, (element) => element.name === "main" || roleOf(element) === "main");
  if (main[0]) return { roots: [main[0]], inSection: true };
  const articles = findElements(nodes, outsideContent, (element) => element.name === "article");
  if (articles.length > 0) return { roots: articles, inSection: true };
  const body = findElements(nodes, outsideContent, (element) => element.name === "body")[0];
  return { roots: [body ?? document], inSection: false };
}

// Depth-first in document order, not looking inside skipped elements or matches.
function findElements(
  nodes: AnyNode[],
  skip: (element: Element, inSection: boolean) => boolean,
  matches: (element: Element) => boolean,
): Element[] {
  const found: Element[] = [];
  const pending = nodes.map((node) => ({ node, inSection: false })).reverse();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, inSection } = next;
    if (!isTag(node) || skip(node, inSection)) continue;
    if (matches(node)) {
      found.push(node);
      continue;
    }
    const childInSection = inSection || sectioningElements.has(node.name);
    for (let index = node.children.length - 1; index >= 0; index -= 1) {
      const child = node.children[index];
      if (child !== undefined) pending.push({ node: child, inSection: childInSection });
    }
  }
  return found;
}

// <title> lives in <head>, which the content walk drops; an SVG's <title> names only the drawing.
function titleOf(nodes: AnyNode[], roots: ParentNode[], context: WalkContext): string | null {
  const titleElement = findElements(
    nodes,
    (element) => element.name === "svg",
    (element) => element.name === "title",
  )[0];
  const title = titleElement ? inlineText(titleElement.children, context) : "";
  if (title !== "") return title;
  const heading = findElements(
    roots.flatMap((root) => root.children),
    (element, inSection) => isDropped(element, inSection || context.inSection),
    (element) => element.name === "h1",
  )[0];
  const headingText = heading ? inlineText(heading.children, context) : "";
  return headingText === "" ? null : headingText;
}

function isDropped(element: Element, inSection: boolean): boolean {
  const { name, attribs } = element;
  return (
    droppedElements.has(name) ||
    ((name === "header" || name === "footer") && !inSection) ||
    droppedRoles.has(roleOf(element)) ||
    "hidden" in attribs ||
    attribs["aria-hidden"] === "true" ||
    hiddenStylePattern.test(attribs.style ?? "")
  );
}

function roleOf(element: Element): string {
  return (element.attribs.role ?? "").trim().toLowerCase();
}

// Runs of text and inline elements become paragraphs; block elements render themselves.
function renderBlocks(nodes: AnyNode[], context: WalkContext): string[] {
  if (context.depth >= maxStructureDepth) return nonEmpty(inlineText(nodes, context));
  const blocks: string[] = [];
  let inline: AnyNode[] = [];
  const flushParagraph = () => {
    const text = inlineText(inline, context);
    if (text !== "") blocks.push(text);
    inline = [];
  };
  for (const node of nodes) {
    if (isText(node) || (isTag(node) && inlineElements.has(node.name))) {
      inline.push(node);
    } else if (isTag(node) && !isDropped(node, context.inSection)) {
      flushParagraph();
      for (const block of renderBlockElement(node, { ...context, depth: context.depth + 1 })) blocks.push(block);
    }
  }
  flushParagraph();
  return blocks;
}

function renderBlockElement(element: Element, context: WalkContext): string[] {
  const { name } = element;
  const level = headingPattern.exec(name)?.[1];
  if (level !== undefined) {
    const text = inlineText(element.children, context).replace(/\n/g, " ");
    return text === "" ? [] : [`${"#".repeat(Number(level))} ${text}`];
  }
  if (name === "ul" || name === "ol") return nonEmpty(renderList(element, context));
  if (name === "pre") return nonEmpty(renderCode(element));
  if (name === "table") return renderTable(element, context);
  if (name === "blockquote") {
    const quoted = renderBlocks(element.children, context).join("\n\n");
    return nonEmpty(quoted.replace(/^/gm, "> "));
  }
  if (name === "hr" || name === "br") return [];
  return renderBlocks(element.children, {
    ...context,
    inSection: context.inSection || sectioningElements.has(name),
  });
}

function nonEmpty(block: string): string[] {
  return block.trim() === "" ? [] : [block];
}

// Each item's first block follows its marker and the rest are indented under it, so nested lists and code
// in items stay part of the item.
function renderList(list: Element, context: WalkContext): string {
  const ordered = list.name === "ol";
  const start = Number.parseInt(list.attribs.start ?? "1", 10);
  let number = ordered && Number.isFinite(start) ? start : 1;
  const items: string[] = [];
  for (const child of list.children) {
    if (!isTag(child) || isDropped(child, context.inSection)) continue;
    const inner = { ...context, depth: context.depth + 1 };
    const blocks = child.name === "li" ? renderBlocks(child.children, inner) : renderBlockElement(child, inner);
    if (blocks.length === 0) continue;
    const marker = ordered ? `${number}. ` : "- ";
    number += 1;
    const indent = " ".repeat(marker.length);
    items.push(marker + blocks.join("\n").replace(/\n/g, `\n${indent}`));
  }
  return items.join("\n");
}

function renderCode(pre: Element): string {
  const code = rawText(pre.children).replace(/^\n/, "").trimEnd();
  if (code.trim() === "") return "";
  const codeChild = pre.children.find((child): child is Element => isTag(child) && child.name === "code");
  const className = `${pre.attribs.class ?? ""} ${codeChild?.attribs.class ?? ""}`;
  const language = codeLanguagePattern.exec(className)?.[1] ?? "";
  const longestBacktickRun = (code.match(/`+/g) ?? []).reduce((longest, run) => Math.max(longest, run.length), 0);
  const fence = "`".repeat(Math.max(3, longestBacktickRun + 1));
  return `${fence}${language}\n${code}\n${fence}`;
}

function renderTable(table: Element, context: WalkContext): string[] {
  const caption = table.children.find((child): child is Element => isTag(child) && child.name === "caption");
  const rows = tableRows(table).map((row) =>
    row.children
      .filter((cell): cell is Element => isTag(cell) && (cell.name === "td" || cell.name === "th"))
      .flatMap((cell) => {
        const text = inlineText(cell.children, context).replace(/\n/g, " ").replace(/\|/g, "\\|");
        const span = Math.min(Math.max(Number.parseInt(cell.attribs.colspan ?? "1", 10) || 1, 1), 100);
        return [text, ...Array.from({ length: span - 1 }, () => "")];
      }),
  );
  const columns = rows.reduce((widest, row) => Math.max(widest, row.length), 0);
  const filled = rows.filter((row) => row.some((cell) => cell !== ""));
  if (columns === 0 || filled.length === 0) return [];
  const line = (cells: string[]) =>
    `| ${Array.from({ length: columns }, (_, index) => cells[index] || " ").join(" | ")} |`;
  const [header = [], ...body] = filled;
  const lines = [line(header), line(Array.from({ length: columns }, () => "---")), ...body.map(line)];
  const captionText = caption ? inlineText(caption.children, context) : "";
  return captionText === "" ? [lines.join("\n")] : [captionText, lines.join("\n")];
}

// The rows of this table in document order, not those of tables nested in its cells.
function tableRows(table: Element): Element[] {
  return table.children.filter(isTag).flatMap((child) => {
    if (child.name === "tr") return [child];
    if (child.name === "thead" || child.name === "tbody" || child.name === "tfoot") {
      return child.children.filter((row): row is Element => isTag(row) && row.name === "tr");
    }
    return [];
  });
}

// Text with whitespace collapsed as a browser would, `<br>` as a line break and inline code in backticks.
function inlineText(nodes: AnyNode[], context: WalkContext): string {
  const pieces: string[] = [];
  // Strings on the stack are text to emit once the elements pushed after them are done.
  const pending: Array<AnyNode | string> = [...nodes].reverse();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next === "string") {
      pieces.push(next);
    } else if (isText(next)) {
      pieces.push(next.data.replace(whitespacePattern, " "));
    } else if (isTag(next) && !isDropped(next, context.inSection)) {
      if (next.name === "br") {
        pieces.push("\n");
      } else if (codeElements.has(next.name)) {
        pieces.push(inlineCode(rawText(next.children).replace(whitespacePattern, " ")));
      } else {
        // A block inside inline content still separates words.
        const isBlock = !inlineElements.has(next.name);
        if (isBlock) {
          pieces.push(" ");
          pending.push(" ");
        }
        for (let index = next.children.length - 1; index >= 0; index -= 1) {
          const child = next.children[index];
          if (child !== undefined) pending.push(child);
        }
      }
    }
  }
  return pieces
    .join("")
    .split("\n")
    .map((line) => line.replace(/ {2,}/g, " ").trim())
    .filter((line) => line !== "")
    .join("\n");
}

function inlineCode(code: string): string {
  const trimmed = code.trim();
  if (trimmed === "") return "";
  return trimmed.includes("`") ? `\`\` ${trimmed} \`\`` : `\`${trimmed}\``;
}

function rawText(nodes: AnyNode[]): string {
  const pieces: string[] = [];
  const pending = [...nodes].reverse();
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (isText(next)) {
      pieces.push(next.data);
    } else if (isTag(next)) {
      if (next.name === "br") pieces.push("\n");
      for (let index = next.children.length - 1; index >= 0; index -= 1) {
        const child = next.children[index];
        if (child !== undefined) pending.push(child);
      }
    }
  }
  return pieces.join("");
}
