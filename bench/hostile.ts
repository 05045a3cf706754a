/**
 * Hostile documents against the running app: `npm run bench:hostile`. Starts the built app with fresh local state,
 * uploads each hostile file (the largest accepted Markdown file, a megabyte of each kind of punctuation run, the
 * DOCX bomb and a DOCX just under the XML cap) one at a time, and while it ingests asks `GET /api/health` every
 * 100 ms. Prints, per file, the slowest health answer and how long the document took to settle (ready or failed),
 * as a Markdown table for docs/reliability.md. `-- --only <text>` runs only the files whose name contains it.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { startServer } from "../scripts/lib/app-server.ts";
import { documentLimits } from "../worker/rag/parse/document-limits";
import { docxFile, type HostileFile, markdownText, punctuationRuns } from "./support/hostile-files.ts";

const healthIntervalMs = 100;
const statusIntervalMs = 250;
const megabyte = 1024 * 1024;

const tokenSchema = z.object({ token: z.string() });
const documentSchema = z.object({
  document: z.object({ id: z.string(), status: z.string(), error: z.string().nullable(), chunksTotal: z.number() }),
});
const healthSchema = z.object({ limits: z.object({ maxUploadBytes: z.number() }) });
const uploadSchema = z.object({ upload: z.object({ id: z.string(), partSize: z.number(), partCount: z.number() }) });
const partSchema = z.object({ partNumber: z.number(), etag: z.string() });

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
  const baseUrl = server.baseUrl;
  const token = tokenSchema.parse(
    await json(
      await fetch(`${baseUrl}/api/dev/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ role: "admin", tenant: `hostile-${Date.now()}` }),
      }),
    ),
  ).token;
  const authorization = { Authorization: `Bearer ${token}` };
  const { maxUploadBytes } = healthSchema.parse(await json(await fetch(`${baseUrl}/api/health`))).limits;

  console.log("| File | Size | Slowest health answer | Settled in | Outcome |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const file of chosen) {
    const health = watchHealth(baseUrl);
    const started = performance.now();
    const id = await upload(baseUrl, authorization, file, maxUploadBytes);
    const settled = await waitUntilSettled(baseUrl, authorization, id);
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
function watchHealth(baseUrl: string): { stop(): Promise<number> } {
  let running = true;
  let slowest = 0;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      const response = await fetch(`${baseUrl}/api/health`);
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

async function upload(
  baseUrl: string,
  authorization: Record<string, string>,
  file: HostileFile,
  maxUploadBytes: number,
): Promise<string> {
  // A copy on an ArrayBuffer of its own, which is what fetch bodies take.
  const bytes = new Uint8Array(file.bytes);
  if (bytes.length <= maxUploadBytes) {
    const form = new FormData();
    form.append("file", new Blob([bytes]), file.filename);
    const response = await fetch(`${baseUrl}/api/documents`, { method: "POST", headers: authorization, body: form });
    return documentSchema.parse(await json(response)).document.id;
  }
  const created = await fetch(`${baseUrl}/api/uploads`, {
    method: "POST",
    headers: { ...authorization, "Content-Type": "application/json" },
    body: JSON.stringify({ filename: file.filename, size: bytes.length }),
  });
  const { upload } = uploadSchema.parse(await json(created));
  const parts: Array<z.infer<typeof partSchema>> = [];
  for (let partNumber = 1; partNumber <= upload.partCount; partNumber += 1) {
    const start = (partNumber - 1) * upload.partSize;
    const response = await fetch(`${baseUrl}/api/uploads/${upload.id}/parts/${partNumber}`, {
      method: "PUT",
      headers: { ...authorization, "Content-Type": "application/octet-stream" },
      body: bytes.subarray(start, start + upload.partSize),
    });
    parts.push(partSchema.parse(await json(response)));
  }
  const completed = await fetch(`${baseUrl}/api/uploads/${upload.id}/complete`, {
    method: "POST",
    headers: { ...authorization, "Content-Type": "application/json" },
    body: JSON.stringify({ parts }),
  });
  return documentSchema.parse(await json(completed)).document.id;
}

async function waitUntilSettled(
  baseUrl: string,
  authorization: Record<string, string>,
  id: string,
): Promise<z.infer<typeof documentSchema>["document"]> {
  for (;;) {
    const { document } = documentSchema.parse(
      await json(await fetch(`${baseUrl}/api/documents/${id}`, { headers: authorization })),
    );
    if (document.status === "ready" || document.status === "failed") return document;
    await sleep(statusIntervalMs);
  }
}

async function json(response: Response): Promise<unknown> {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return response.json();
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function sizeOf(bytes: number): string {
  return bytes >= megabyte ? `${(bytes / megabyte).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`;
}
