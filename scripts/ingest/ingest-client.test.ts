import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LocalFile } from "./find-files.ts";
import { createIngestClient, readHealth, resolveToken, type ServerHealth } from "./ingest-client.ts";

interface RecordedCall {
  method: string;
  path: string;
  headers: Headers;
  body: RequestInit["body"];
}

/** A fake server: answers each call with the next queued response and records what it was sent. */
function fakeFetch(responses: Array<(call: RecordedCall) => Response>) {
  const calls: RecordedCall[] = [];
  const fetchImplementation = async (input: string | URL | Request, init: RequestInit = {}) => {
    const call = {
      method: init.method ?? "GET",
      path: new URL(String(input)).pathname,
      headers: new Headers(init.headers),
      body: init.body,
    };
    calls.push(call);
    const respond = responses.shift();
    if (!respond) throw new Error(`unexpected ${call.method} ${call.path}`);
    return respond(call);
  };
  return { calls, fetchImplementation };
}

const json =
  (body: unknown, status = 200) =>
  () =>
    Response.json(body, { status });
const document = { id: "doc-1", status: "queued" };
const baseUrl = "http://server.test";
const health: ServerHealth = { devAuth: true, limits: { maxUploadBytes: 10, maxQuestionCharacters: 8000 } };

let folder: string;

async function localFile(name: string, text: string): Promise<LocalFile> {
  const path = join(folder, name);
  await writeFile(path, text);
  return { path, externalId: `docs/${name}`, size: Buffer.byteLength(text), contentType: "text/markdown" };
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "ingest-client-"));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("the ingest client", () => {
  it("sends a small file in one multipart form with its external id and collection", async () => {
    const file = await localFile("small.md", "# Small");
    const { calls, fetchImplementation } = fakeFetch([json({ document }, 202)]);
    const client = createIngestClient({ baseUrl, token: "secret", health }, fetchImplementation);
    const sent: number[] = [];

    expect(await client.uploadFile(file, { collection: "handbook", onBytes: (bytes) => sent.push(bytes) })).toEqual(
      document,
    );

    const [call] = calls;
    expect(call).toMatchObject({ method: "POST", path: "/api/documents" });
    expect(call?.headers.get("Authorization")).toBe("Bearer secret");
    const form = call?.body;
    if (!(form instanceof FormData)) throw new Error("expected a form");
    const uploaded = form.get("file");
    if (!(uploaded instanceof File)) throw new Error("expected a file");
    expect([uploaded.name, uploaded.type, await uploaded.text()]).toEqual(["small.md", "text/markdown", "# Small"]);
    expect([form.get("externalId"), form.get("collection")]).toEqual(["docs/small.md", "handbook"]);
    expect(sent).toEqual([7]);
  });

  it("sends a file above the single-request limit in parts of the size the server chose", async () => {
    const file = await localFile("large.md", "# Large file!");
    const { calls, fetchImplementation } = fakeFetch([
      json({ upload: { id: "up-1", partSize: 5, partCount: 3 } }, 201),
      json({ partNumber: 1, etag: "e1" }),
      json({ partNumber: 2, etag: "e2" }),
      json({ partNumber: 3, etag: "e3" }),
      json({ document }, 202),
    ]);
    const client = createIngestClient({ baseUrl, token: "secret", health }, fetchImplementation);
    const sent: number[] = [];

    await client.uploadFile(file, { collection: null, onBytes: (bytes) => sent.push(bytes) });

    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      "POST /api/uploads",
      "PUT /api/uploads/up-1/parts/1",
      "PUT /api/uploads/up-1/parts/2",
      "PUT /api/uploads/up-1/parts/3",
      "POST /api/uploads/up-1/complete",
    ]);
    expect(JSON.parse(String(calls[0]?.body))).toEqual({
      filename: "large.md",
      size: 13,
      contentType: "text/markdown",
      externalId: "docs/large.md",
    });
    const decoder = new TextDecoder();
    const partBodies = calls
      .slice(1, 4)
      .map((call) => (call.body instanceof Uint8Array ? decoder.decode(call.body) : ""));
    expect(partBodies).toEqual(["# Lar", "ge fi", "le!"]);
    expect(JSON.parse(String(calls[4]?.body))).toEqual({
      parts: [
        { partNumber: 1, etag: "e1" },
        { partNumber: 2, etag: "e2" },
        { partNumber: 3, etag: "e3" },
      ],
    });
    expect(sent).toEqual([5, 5, 3]);
  });

  it("aborts a failed upload and fails with the server's message", async () => {
    const file = await localFile("image.md", "not really markdown");
    const { calls, fetchImplementation } = fakeFetch([
      json({ upload: { id: "up-2", partSize: 100, partCount: 1 } }, 201),
      json({ error: { code: "unsupported_media_type", message: '"image.md" is not a supported document type' } }, 415),
      () => new Response(null, { status: 204 }),
    ]);
    const client = createIngestClient({ baseUrl, token: "secret", health }, fetchImplementation);

    await expect(client.uploadFile(file, { collection: null, onBytes: () => {} })).rejects.toMatchObject({
      message: '"image.md" is not a supported document type',
      status: 415,
    });
    expect(calls.at(-1)).toMatchObject({ method: "DELETE", path: "/api/uploads/up-2" });
  });
});

describe("connecting", () => {
  it("explains when the server cannot be reached", async () => {
    const refused = async () => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:8787") });
    };
    await expect(readHealth(baseUrl, refused)).rejects.toThrow(
      "Cannot reach the server at http://server.test (connect ECONNREFUSED 127.0.0.1:8787)",
    );
  });

  it("uses the given token, else asks a development server for an admin token of the tenant", async () => {
    const { calls, fetchImplementation } = fakeFetch([json({ token: "dev-token" })]);
    expect(await resolveToken({ baseUrl, token: "given", tenant: "acme", health }, fetchImplementation)).toBe("given");
    expect(await resolveToken({ baseUrl, token: null, tenant: "acme", health }, fetchImplementation)).toBe("dev-token");
    expect(calls[0]).toMatchObject({ method: "POST", path: "/api/dev/token" });
    expect(JSON.parse(String(calls[0]?.body))).toEqual({ role: "admin", tenant: "acme" });
    await expect(
      resolveToken(
        { baseUrl, token: null, tenant: "acme", health: { ...health, devAuth: false } },
        fetchImplementation,
      ),
    ).rejects.toThrow(/pass --token or set RAG_TOKEN/);
  });
});
