import { describe, expect, it } from "vitest";
import { composeExtractiveAnswer } from "../models/extractive-answer-model";
import { chunkDocument } from "./chunk";
import { parseDocument } from "./parse/parse-document";
import type { SupportedContentType } from "./parse/supported-types";

// Runs of every kind of character a hostile document could repeat: terminal punctuation, Markdown markers, digits
// with dots, whitespace, and one endless word. Each is repeated to the size asked for.
const hostileRuns: Record<string, string> = {
  "full stops": ".",
  "exclamation marks": "!",
  "question marks": "?",
  ellipses: "…",
  "mixed terminals": ".!?…",
  "terminals and closers": '.")',
  "CJK full stops": "。",
  hashes: "#",
  pipes: "|",
  backticks: "`",
  dashes: "-",
  asterisks: "*",
  "quote markers": ">",
  "digits and dots": "1.",
  "numbered lines": "1. ",
  newlines: "\n",
  spaces: " ",
  tabs: "\t",
  "blank lines with spaces": " \n",
  "one word": "a",
  "sentences ending in lower case": "x. ",
  "short sentences": "A. ",
  "citation openers": "[1,",
};
// A line start that turns the rest into a long heading, table delimiter or list item.
const hostileLineStarts: Record<string, string> = {
  "heading then spaces": "# a",
  "delimiter row then spaces": "|-",
  "list item then spaces": "- ",
};

const smallBytes = 64 * 1024;
const largeBytes = 1024 * 1024;
// Sixteen times the text takes about 16 times as long in linear time, 256 times in quadratic time. The bound sits
// four times from each, so a machine busy with other tests (this runs beside the workerd suite) does not fail it and
// a quadratic path cannot pass it.
const maxRatio = 64;

function run(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function lineWithSpaces(start: string, size: number): string {
  return `${start}${" ".repeat(size - start.length - 1)}x`;
}

/** Milliseconds of CPU this process has used: unlike the clock, it does not run while other processes have the CPU. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

// How many times more CPU `work` takes on the large text than on the small one. Each is timed in batches of runs long
// enough to time (at least 25 ms), alternating, and the best batch of each counts: the one least disturbed by the
// rest of the machine and by garbage collection.
async function growth(make: (size: number) => string, work: (text: string) => unknown): Promise<number> {
  const small = make(smallBytes);
  const large = make(largeBytes);
  const timeBatch = async (text: string, runs: number) => {
    const started = cpuMs();
    for (let run = 0; run < runs; run += 1) await work(text);
    return (cpuMs() - started) / runs;
  };
  const runsOf = async (text: string) => {
    let runs = 1;
    while ((await timeBatch(text, runs)) * runs < 25) runs *= 2;
    return runs;
  };
  const smallRuns = await runsOf(small);
  const largeRuns = await runsOf(large);
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round += 1) {
    bestSmall = Math.min(bestSmall, await timeBatch(small, smallRuns));
    bestLarge = Math.min(bestLarge, await timeBatch(large, largeRuns));
  }
  return bestLarge / bestSmall;
}

function chunkAs(text: string, kind: "markdown" | "text"): void {
  chunkDocument({ title: null, segments: [{ text, page: null, kind }] }, { targetChars: 2000, overlapChars: 150 });
}

const encoder = new TextEncoder();
async function parseAndChunk(text: string, contentType: SupportedContentType): Promise<void> {
  const parsed = await parseDocument(encoder.encode(text), contentType);
  chunkDocument(parsed, { targetChars: 2000, overlapChars: 150 });
}

function answerFrom(text: string): void {
  composeExtractiveAnswer("What does the document say about punctuation?", [
    { id: 1, title: "Hostile", section: "", text },
  ]);
}

const cases = [
  ...Object.entries(hostileRuns).map(([name, unit]) => ({ name, make: (size: number) => run(unit, size) })),
  ...Object.entries(hostileLineStarts).map(([name, start]) => ({
    name,
    make: (size: number) => lineWithSpaces(start, size),
  })),
];

// The timeout is a hang guard: the slowest case takes a few seconds on a busy machine.
describe("text processing time grows linearly on hostile input", { timeout: 120_000 }, () => {
  it.each(cases)("chunks 1 MB of $name as Markdown and as text", async ({ make }) => {
    expect(await growth(make, (text) => chunkAs(text, "markdown"))).toBeLessThan(maxRatio);
    expect(await growth(make, (text) => chunkAs(text, "text"))).toBeLessThan(maxRatio);
  });

  it.each(cases)("answers extractively from 1 MB of $name", async ({ make }) => {
    expect(await growth(make, answerFrom)).toBeLessThan(maxRatio);
  });

  it.each(cases)("parses and chunks 1 MB of $name as a Markdown file", async ({ make }) => {
    expect(await growth(make, (text) => parseAndChunk(text, "text/markdown"))).toBeLessThan(maxRatio);
  });
});
