/**
 * End-to-end test of `npm run ingest`: the CLI, run as a person would, against the real app served by
 * `scripts/start.ts`. Runs in Node (not in workerd).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApiClient, readBody } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { listAllDocuments } from "../../client/list-documents.ts";
import { projectRoot, type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";
import type { DocumentView } from "../../worker/contract";

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const singleRequestLimit = 64 * 1024;

let server: RunningServer | undefined;
let folder = "";

/** Runs the CLI as `npm run ingest` does, without a terminal, so progress is one line per file. */
function ingest(...args: string[]): Promise<CliRun> {
  const { RAG_TOKEN: _ignored, ...environment } = process.env;
  const child = spawn(process.execPath, ["scripts/ingest.ts", ...args, "--url", server?.baseUrl ?? ""], {
    cwd: projectRoot,
    env: environment,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function write(path: string, text: string | Uint8Array): Promise<void> {
  await mkdir(dirname(join(folder, path)), { recursive: true });
  await writeFile(join(folder, path), text);
}

async function listDocuments(tenant: string): Promise<DocumentView[]> {
  const { api: admin } = await connectWithDevToken({ baseUrl: server?.baseUrl ?? "" }, "admin", tenant);
  const documents = await listAllDocuments(admin);
  return documents.sort((first, second) => (first.externalId ?? "").localeCompare(second.externalId ?? ""));
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "ingest-cli-"));
  // A small single-request limit, so a modest file takes the multipart upload path.
  server = await startServer({ MAX_UPLOAD_BYTES: String(singleRequestLimit) });
}, startupTimeoutMs + 30_000);

afterAll(async () => {
  await server?.stop();
  await rm(folder, { recursive: true, force: true });
}, 60_000);

describe("npm run ingest", () => {
  test("uploads a folder, skips what the server already has, and re-uploads only what changed", async () => {
    const tenant = `cli-${Date.now().toString(36)}`;
    await write("guide.md", "# Guide\n\nThe warehouse opens at seven and closes at nineteen.\n");
    await write("faq.md", "# FAQ\n\nParcels are collected from the loading bay every afternoon.\n");
    await write("reference/glossary.txt", "A pallet holds at most forty boxes of the standard size.\n");
    await write("reference/rates.csv", "zone,price\nnorth,12\nsouth,15\n");
    await write(".drafts/unfinished.md", "# Not ready\n");
    await write("node_modules/package/README.md", "# A dependency\n");
    await write("reference/photo.png", "not a document");

    const first = await ingest(folder, "--tenant", tenant);
    expect(first.stdout, first.stderr).toContain("Summary: 4 new, 0 updated, 0 unchanged, 0 failed");
    expect(first.code).toBe(0);
    expect(first.stderr.match(/^uploaded /gm)).toHaveLength(4);
    const created = await listDocuments(tenant);
    expect(created.map((document) => [document.externalId, document.status, document.version])).toEqual([
      ["faq.md", "ready", 1],
      ["guide.md", "ready", 1],
      ["reference/glossary.txt", "ready", 1],
      ["reference/rates.csv", "ready", 1],
    ]);

    const second = await ingest(folder, "--tenant", tenant);
    expect(second.stdout, second.stderr).toContain("Summary: 0 new, 0 updated, 4 unchanged, 0 failed");
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/^uploaded /m);
    expect((await listDocuments(tenant)).map((document) => document.version)).toEqual([1, 1, 1, 1]);

    await write("guide.md", "# Guide\n\nThe warehouse now opens at six and closes at twenty.\n");
    const third = await ingest(folder, "--tenant", tenant);
    expect(third.stdout, third.stderr).toContain("Summary: 0 new, 1 updated, 3 unchanged, 0 failed");
    expect(third.code).toBe(0);
    expect(third.stderr.match(/^uploaded .*/gm)).toEqual(["uploaded guide.md (updated, 62 B)"]);
    const updated = await listDocuments(tenant);
    expect(updated.map((document) => [document.externalId, document.status, document.version])).toEqual([
      ["faq.md", "ready", 1],
      ["guide.md", "ready", 2],
      ["reference/glossary.txt", "ready", 1],
      ["reference/rates.csv", "ready", 1],
    ]);
  }, 120_000);

  test("reports a file the server refuses, with its reason, and exits with 1", async () => {
    const tenant = `cli-${Date.now().toString(36)}-failing`;
    await write("failing/notes.md", "# Notes\n\nFine.\n");
    await write("failing/diagram.md", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));

    const run = await ingest(join(folder, "failing"), "--tenant", tenant);
    expect(run.stdout, run.stderr).toContain("Summary: 1 new, 0 updated, 0 unchanged, 1 failed");
    expect(run.stdout).toMatch(/^ {2}diagram\.md: .*\(HTTP 415\)$/m);
    expect(run.code).toBe(1);
  }, 120_000);

  test("sends a file above the server's single-request limit in parts", async () => {
    const tenant = `cli-${Date.now().toString(36)}-large`;
    const paragraph = "Every shipment is weighed twice before it leaves the warehouse floor. ";
    const text = `# Shipping manual\n\n${paragraph.repeat(Math.ceil((2 * singleRequestLimit) / paragraph.length))}\n`;
    await write("large/shipping-manual.md", text);
    const health = await readBody(createApiClient({ baseUrl: server?.baseUrl ?? "" }).health.$get());
    expect(health.limits.maxUploadBytes).toBe(singleRequestLimit);

    const run = await ingest(join(folder, "large"), "--tenant", tenant, "--collection", "manuals");
    expect(run.stdout, run.stderr).toContain("Summary: 1 new, 0 updated, 0 unchanged, 0 failed");
    expect(run.code).toBe(0);
    const [document] = await listDocuments(tenant);
    expect(document).toMatchObject({
      externalId: "shipping-manual.md",
      // The file's `# heading`: the CLI sends no title.
      title: "Shipping manual",
      collection: "manuals",
      size: Buffer.byteLength(text),
      status: "ready",
    });
  }, 120_000);
});
