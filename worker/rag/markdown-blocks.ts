import {
  atxHeading,
  closesFence,
  isBlank,
  isIndented,
  isListItem,
  isSetextUnderline,
  isTableStart,
  isThematicBreak,
  openingFence,
} from "./markdown-lines";
import { TextLines } from "./text-lines";

export type BlockKind = "paragraph" | "list" | "code" | "table";

/** A run of Markdown that means something as a whole: a paragraph, a list, a fenced code block, a table. */
export interface Block {
  kind: BlockKind;
  text: string;
}

/** The blocks under one heading, with the headings above them, outermost first, joined with " > ". */
export interface Section {
  headingPath: string;
  blocks: Block[];
}

const headingSeparator = " > ";

/**
 * Cuts Markdown into sections at its headings (ATX and setext), and each section into blocks; thematic breaks and
 * blank lines separate blocks and are dropped. Headings inside fenced code are code.
 */
export function markdownSections(markdown: string): Section[] {
  const lines = new TextLines(markdown);
  const headings: Array<{ level: number; text: string }> = [];
  let section: Section = { headingPath: "", blocks: [] };
  const sections = [section];

  const startSection = (level: number, text: string) => {
    while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
    headings.push({ level, text });
    const path = headings.map((heading) => heading.text).filter((heading) => heading.length > 0);
    section = { headingPath: path.join(headingSeparator), blocks: [] };
    sections.push(section);
  };
  const addBlock = (kind: BlockKind, start: number, end: number) => {
    const blockText = lines.join(start, end).trimEnd();
    if (blockText.trim().length > 0) section.blocks.push({ kind, text: blockText });
  };

  let index = 0;
  while (index < lines.count) {
    const line = lines.at(index);
    const heading = atxHeading(line);
    if (isBlank(line) || isThematicBreak(line)) {
      index += 1;
    } else if (heading) {
      startSection(heading.level, heading.text.trim());
      index += 1;
    } else if (openingFence(line) !== null) {
      const end = findFenceEnd(lines, index);
      addBlock("code", index, end);
      index = end;
    } else if (isTableStart(line, lines.at(index + 1))) {
      let end = index + 2;
      while (end < lines.count && !isBlank(lines.at(end)) && lines.at(end).includes("|")) end += 1;
      addBlock("table", index, end);
      index = end;
    } else if (isListItem(line)) {
      const end = findListEnd(lines, index);
      addBlock("list", index, end);
      index = end;
    } else {
      let end = index + 1;
      while (end < lines.count && !isBlank(lines.at(end)) && !interruptsParagraph(lines, end)) end += 1;
      const underline = lines.at(end);
      if (end < lines.count && isSetextUnderline(underline)) {
        const headingText = lines
          .join(index, end)
          .split("\n")
          .map((headingLine) => headingLine.trim());
        startSection(underline.includes("=") ? 1 : 2, headingText.join(" "));
        end += 1;
      } else {
        addBlock("paragraph", index, end);
      }
      index = end;
    }
  }
  return sections;
}

/** Cuts plain text into paragraphs at lines that hold only spaces and tabs. */
export function plainTextBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = new TextLines(text);
  let paragraphStart = 0;
  const flush = (end: number) => {
    const paragraph = lines.join(paragraphStart, end).trim();
    if (paragraph.length > 0) blocks.push({ kind: "paragraph", text: paragraph });
    paragraphStart = end + 1;
  };
  for (let index = 0; index < lines.count; index += 1) {
    if (isSpacesAndTabs(lines.at(index))) flush(index);
  }
  flush(lines.count);
  return blocks;
}

/**
 * The items of a list block. Items start at list markers indented at most three spaces and outside fenced code, so
 * deeper-nested items stay with their parent.
 */
export function splitListItems(list: string): string[] {
  const items: string[][] = [];
  let openFence: string | null = null;
  for (const line of list.split("\n")) {
    if (openFence !== null) {
      if (closesFence(line.trimStart(), openFence)) openFence = null;
    } else {
      if (isListItem(line) || items.length === 0) items.push([]);
      openFence = openingFence(line.trimStart());
    }
    items.at(-1)?.push(line);
  }
  return items.map((item) => item.join("\n").trimEnd()).filter((item) => item.trim().length > 0);
}

function isSpacesAndTabs(line: string): boolean {
  for (let index = 0; index < line.length; index += 1) {
    const code = line.charCodeAt(index);
    if (code !== 0x20 && code !== 0x09) return false;
  }
  return true;
}

// The index just past the closing fence; an unclosed fence runs to the end of the document, as in CommonMark.
function findFenceEnd(lines: TextLines, start: number): number {
  const fence = openingFence(lines.at(start)) ?? "```";
  for (let index = start + 1; index < lines.count; index += 1) {
    if (closesFence(lines.at(index), fence)) return index + 1;
  }
  return lines.count;
}

function startsOtherBlock(lines: TextLines, index: number): boolean {
  const line = lines.at(index);
  return (
    atxHeading(line) !== null ||
    openingFence(line) !== null ||
    isThematicBreak(line) ||
    isTableStart(line, lines.at(index + 1))
  );
}

function interruptsParagraph(lines: TextLines, index: number): boolean {
  const line = lines.at(index);
  return startsOtherBlock(lines, index) || isSetextUnderline(line) || isListItem(line);
}

// A list runs on through indented continuation lines (including fenced code inside items, whose lines must
// not be read as headings), lazy continuation lines, and blank lines followed by more of the list.
function findListEnd(lines: TextLines, start: number): number {
  let openFence: string | null = null;
  let index = start + 1;
  while (index < lines.count) {
    const line = lines.at(index);
    if (openFence !== null) {
      if (closesFence(line.trimStart(), openFence)) openFence = null;
      index += 1;
      continue;
    }
    if (isBlank(line)) {
      let next = index + 1;
      while (next < lines.count && isBlank(lines.at(next))) next += 1;
      const nextLine = lines.at(next);
      if (next >= lines.count || !(isIndented(nextLine) || isListItem(nextLine))) break;
      index = next;
      continue;
    }
    if (!isIndented(line) && startsOtherBlock(lines, index)) break;
    openFence = openingFence(line.trimStart());
    index += 1;
  }
  return index;
}
