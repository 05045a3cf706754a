/**
 * Hostile documents against the running app: `npm run bench:hostile`. Starts the built app with fresh local state,
 * uploads each hostile file (the largest accepted Markdown file, a megabyte of each kind of punctuation run, the
 * DOCX bomb and a DOCX just under the XML cap) one at a time, and while it ingests asks `GET /api/health` every
 * 100 ms. Prints, per file, the slowest health answer and how long the document took to settle (ready or failed),
 * as a Markdown table for docs/reliability.md. `-- --only <text>` runs only the files whose name contains it.
 */
import { parseArgs } from "node:util";
import { type ApiClient, readBody } from "../client/api-client.ts";
import { connectWithDevToken } from "../client/dev-token.ts";
import { sendDocument } from "../client/send-document.ts";
import { startServer } from "../scripts/lib/app-server.ts";
import type { DocumentView } from "../worker/contract.ts";
import { documentLimits } from "../worker/rag/parse/document-limits";
import { docxFile, type HostileFile, markdownText, punctuationRuns } from "./support/hostile-files.ts";

const healthIntervalMs = 100;
const statusIntervalMs = 250;
const megabyte = 1024 * 1024;

const files: HostileFile[] = [
  {
    name: "Markdown, the largest accepted",
    filename: "largest.md",
    bytes: new TextEncoder().encode(markdownText(documentLimits["text/markdown"] - 1024)),
  },
  ...punctuationRuns(),
  { name: "DOCX bomb, 61 MB of XML", filename: "bomb.docx", bytes: docxFile(61 * megabyte, true) },
  { name: "DOCX, 31 MB of XML", filename: "dense.docx", bytes: docxFile(31 * megabyte, false) },
];

const { values } = parseArgs({ options: { only: { type: "string" } } });
const chosen = files.filter((file) => file.name.includes(values.only ?? ""));
const server = await startServer({}, { waitForSamples: true });
try {
  const { api } = await connectWithDevToken({ baseUrl: server.baseUrl }, "admin", `hostile-${Date.now()}`);
  const { maxUploadBytes } = (await readBody(api.health.$get())).limits;

  console.log("| File | Size | Slowest health answer | Settled in | Outcome |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const file of chosen) {
    const health = watchHealth(api);
    const started = performance.now();
    const { id } = await sendDocument(
      api,
      {
        filename: file.filename,
        size: file.bytes.length,
        // A copy on an ArrayBuffer of its own, which is what request bodies take.
        read: async (offset, length) => new Uint8Array(file.bytes.subarray(offset, offset + length)),
      },
      { maxSingleRequestBytes: maxUploadBytes },
    );
    const settled = await waitUntilSettled(api, id);
    const seconds = (performance.now() - started) / 1000;
    const slowest = await health.stop();
    const outcome =
      settled.status === "ready" ? `ready, ${settled.chunksTotal} chunks` : `failed: ${settled.error ?? "no reason"}`;
    console.log(
      `| ${file.name} | ${sizeOf(file.bytes.length)} | ${slowest.toFixed(0)} ms | ${seconds.toFixed(1)} s | ${outcome} |`,
    );
  }
} finally {
  await server.stop();
}

// Asks for health every 100 ms (or as soon as the previous answer came, when it was slower) until stopped.
function watchHealth(api: ApiClient): { stop(): Promise<number> } {
  let running = true;
  let slowest = 0;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      const response = await api.health.$get();
      await response.arrayBuffer();
      const took = performance.now() - asked;
      slowest = Math.max(slowest, took);
      if (took < healthIntervalMs) await sleep(healthIntervalMs - took);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return slowest;
    },
  };
}

async function waitUntilSettled(api: ApiClient, id: string): Promise<DocumentView> {
  for (;;) {
    const { document } = await readBody(api.documents[":id"].$get({ param: { id } }));
    if (document.status === "ready" || document.status === "failed") return document;
    await sleep(statusIntervalMs);
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function sizeOf(bytes: number): string {
  return bytes >= megabyte ? `${(bytes / megabyte).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}
