/**
 * Peak memory of parsing and chunking one document of each type at its size limit (`documentLimits`), and of the
 * DOCX bomb: `npm run bench:parse-memory`. Each file is parsed in a fresh Node process, and the figure is how far
 * the process's peak resident memory rose above where it stood after loading the parsers, which is what a document
 * adds to a Worker isolate (limited to 128 MB in production); each is then run again in a V8 heap of 128 MB, which
 * must not run out. Prints a Markdown table for docs/reliability.md.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { chunkDocument } from "../worker/rag/chunk";
import { parseDocument } from "../worker/rag/parse/parse-document";
import {
  detectContentType,
  docxContentType,
  maxSniffBytes,
  type SupportedContentType,
} from "../worker/rag/parse/supported-types";
import { csvText, docxFile, filesAtLimits, htmlText, jsonText, markdownText, pdfFile } from "./support/hostile-files";

interface Measurement {
  contentType: string;
  peakMegabytes: number;
  milliseconds: number;
  chunks: number;
  error: string | null;
}

const megabyte = 1024 * 1024;
const chunking = { targetChars: 2000, overlapChars: 150 };
// The memory of a production Worker isolate, which the loaded parsers and the document must share.
const isolateHeapMegabytes = 128;
const { values } = parseArgs({
  options: { measure: { type: "string" }, name: { type: "string" }, only: { type: "string" } },
});

if (values.measure !== undefined) {
  console.log(JSON.stringify(await measure(values.measure, values.name ?? "")));
} else {
  await report();
}

async function report(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "parse-memory-"));
  try {
    console.log(
      `| File | Size | Peak memory added | Done in a ${isolateHeapMegabytes} MB heap | Parse and chunk | Chunks | Outcome |`,
    );
    console.log("| --- | --- | --- | --- | --- | --- | --- |");
    const files = (await filesAtLimits()).filter((file) => file.filename.includes(values.only ?? ""));
    for (const file of files) {
      const path = join(folder, file.filename);
      await writeFile(path, file.bytes);
      const measure = (flags: string[]) =>
        spawnSync(
          process.execPath,
          [
            ...flags,
            "--expose-gc",
            "--import",
            "tsx",
            "bench/parse-memory.ts",
            "--measure",
            path,
            "--name",
            file.filename,
          ],
          { encoding: "utf8", maxBuffer: 16 * megabyte },
        );
      const child = measure([]);
      const line = child.stdout.trim().split("\n").at(-1) ?? "";
      if (child.status !== 0 || !line.startsWith("{")) {
        console.log(
          `| ${file.name} | ${size(file.bytes.length)} | – | – | – | – | crashed: ${child.stderr.slice(-300)} |`,
        );
        continue;
      }
      const result: Measurement = JSON.parse(line);
      // The same again in a V8 heap of isolate size, where the garbage collector must keep up instead of growing.
      const fits = measure([`--max-old-space-size=${isolateHeapMegabytes}`]).status === 0 ? "yes" : "no";
      const outcome = result.error === null ? "indexed" : `refused: ${result.error}`;
      console.log(
        `| ${file.name} | ${size(file.bytes.length)} | ${result.peakMegabytes.toFixed(0)} MB | ${fits} | ` +
          `${(result.milliseconds / 1000).toFixed(1)} s | ${result.chunks} | ${outcome} |`,
      );
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function measure(path: string, filename: string): Promise<Measurement> {
  const bytes = new Uint8Array(await readFile(path));
  const contentType = detectContentType({ head: bytes.subarray(0, maxSniffBytes), filename, declaredType: null });
  if (contentType === null) throw new Error(`${filename} is not a supported document`);
  // Loads and warms the parser of the type (pdf.js is large) on a small file before the baseline is taken.
  await parseDocument(await smallSample(contentType), contentType);
  globalThis.gc?.();
  // Parsing is synchronous, so a second thread samples the process's resident memory while it runs.
  const peak = new Float64Array(new SharedArrayBuffer(8));
  const sampler = new Worker(
    `const { workerData } = require("node:worker_threads");
     const peak = new Float64Array(workerData);
     setInterval(() => { peak[0] = Math.max(peak[0], process.memoryUsage.rss()); }, 2);`,
    { eval: true, workerData: peak.buffer },
  );
  await new Promise((resolve) => sampler.once("online", resolve));
  const baseline = process.memoryUsage.rss();
  peak[0] = baseline;
  const started = performance.now();
  let chunks = 0;
  let error: string | null = null;
  try {
    chunks = chunkDocument(await parseDocument(bytes, contentType), chunking).length;
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  const milliseconds = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 10));
  await sampler.terminate();
  return { contentType, peakMegabytes: ((peak[0] ?? baseline) - baseline) / megabyte, milliseconds, chunks, error };
}

async function smallSample(contentType: SupportedContentType): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  switch (contentType) {
    case "text/plain":
    case "text/markdown":
      return encoder.encode(markdownText(4096));
    case "text/html":
      return encoder.encode(htmlText(4096));
    case "text/csv":
      return encoder.encode(csvText(4096));
    case "application/json":
      return encoder.encode(jsonText(4096));
    case "application/pdf":
      return pdfFile(2);
    case docxContentType:
      return docxFile(4096, false);
  }
}

function size(bytes: number): string {
  return bytes >= megabyte ? `${(bytes / megabyte).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}
