import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../worker/contract";
import { createDb } from "../../worker/db/client";
import { findDocument } from "../../worker/db/documents";
import { testFixtures } from "../../worker/rag/parse/test-fixtures";
import { call, devToken, postJson, uniqueTenant, uploadFile, waitForDocument } from "../support/api";
import { createUpload, uploadInParts } from "../support/uploads";

const encoder = new TextEncoder();
const maxUploadBytes = Number(env.MAX_UPLOAD_BYTES);

interface ErrorBody {
  error: { code: string; message: string };
}

async function expectError(response: Response, status: number, code: string, message?: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  const { error } = await response.json<ErrorBody>();
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

async function accepted(response: Response): Promise<DocumentView> {
  expect(response.status, await response.clone().text()).toBe(202);
  return (await response.json<{ document: DocumentView }>()).document;
}

async function titleSource(tenant: string, id: string) {
  return (await findDocument(createDb(env.DB), tenant, id))?.titleSource;
}

function batch(token: string, documents: unknown[]): Promise<Response> {
  return postJson("/api/documents/batch", { documents }, token);
}

/** A request whose body arrives in chunks without a Content-Length, as a streaming client sends it. */
function streamed(path: string, token: string, body: Uint8Array, contentType: string): Promise<Response> {
  const chunkSize = 64 * 1024;
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) {
        controller.close();
        return;
      }
      controller.enqueue(body.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  return call(path, { method: "POST", headers: { "Content-Type": contentType }, body: stream, token });
}

async function formBytes(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const response = new Response(form);
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    contentType: response.headers.get("content-type") ?? "",
  };
}

describe("a document's title", () => {
  it("becomes the file's own title once ingested: Markdown heading, PDF, DOCX and HTML title", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const cases = [
      { name: "handbook.md", type: "text/markdown", title: "Employee Handbook" },
      { name: "report.pdf", type: "application/pdf", title: "Quarterly Operations Report" },
      {
        name: "policy.docx",
        type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        title: "Remote Work Policy",
      },
      { name: "article.html", type: "text/html", title: "Caring for Cast Iron — Kitchen Notes" },
    ] as const;
    for (const { name, type, title } of cases) {
      const bytes = new Uint8Array(testFixtures[name]);
      const queued = await accepted(await uploadFile(admin, name, bytes, type));
      // Until the file is read, the file name stands in.
      expect(queued.title).toBe(name.replace(/\.\w+$/, ""));
      expect(await waitForDocument(admin, queued.id), name).toMatchObject({ status: "ready", title });
      expect(await titleSource(tenant, queued.id)).toBe("document");
    }

    // Search results carry the title too (and the full-text index has it).
    const search = await postJson("/api/search", { query: "Employee Handbook", mode: "fts" }, admin);
    const { results } = await search.json<{ results: Array<{ title: string }> }>();
    expect(results[0]?.title).toBe("Employee Handbook");
  }, 60_000);

  it("stays the file name when the file declares none, and the submitter's whenever one is given", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const notes = await accepted(await uploadFile(admin, "notes.txt", new Uint8Array(testFixtures["notes.txt"]), ""));
    expect(await waitForDocument(admin, notes.id)).toMatchObject({ status: "ready", title: "notes" });
    expect(await titleSource(tenant, notes.id)).toBe("filename");

    const form = new FormData();
    form.append("file", new File([testFixtures["handbook.md"]], "handbook.md", { type: "text/markdown" }));
    form.append("title", "People rules");
    const named = await accepted(await call("/api/documents", { method: "POST", body: form, token: admin }));
    expect(await waitForDocument(admin, named.id)).toMatchObject({ status: "ready", title: "People rules" });
    expect(await titleSource(tenant, named.id)).toBe("explicit");

    const inParts = await uploadInParts(
      admin,
      { filename: "guide.md", title: "Setup guide" },
      encoder.encode("# Installation\n\nRun the installer."),
    );
    expect(await waitForDocument(admin, inParts.id)).toMatchObject({ title: "Setup guide" });
  }, 60_000);

  it("lets a batch leave the title out, and re-submitting the same text leaves everything as it is", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const text = "# Travel rules\n\nTrains are booked through the travel desk.";
    const first = await batch(admin, [{ externalId: "policies/travel.md", text }]);
    expect(first.status).toBe(202);
    const [created] = (await first.json<{ documents: Array<DocumentView & { changed: boolean }> }>()).documents;
    expect(created).toMatchObject({ title: "travel", changed: true });
    const ready = await waitForDocument(admin, created?.id ?? "");
    expect(ready).toMatchObject({ title: "Travel rules", version: 1 });

    const again = await batch(admin, [{ externalId: "policies/travel.md", text }]);
    const [unchanged] = (await again.json<{ documents: Array<DocumentView & { changed: boolean }> }>()).documents;
    expect(unchanged).toMatchObject({ title: "Travel rules", changed: false, version: 1 });

    const renamed = await batch(admin, [{ externalId: "policies/travel.md", text, title: "Travel" }]);
    const [named] = (await renamed.json<{ documents: Array<DocumentView & { changed: boolean }> }>()).documents;
    expect(named).toMatchObject({ title: "Travel", changed: true, version: 2 });
    expect(await waitForDocument(admin, created?.id ?? "")).toMatchObject({ title: "Travel", version: 2 });
  }, 60_000);
});

describe("names and ids with no place in a title or an id", () => {
  it("turns a 5,000-character file name into a title within the limit instead of failing the upload", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const longName = `${Array.from({ length: 700 }, (_, index) => `part${index}`).join(" ")}.txt`;
    expect(longName.length).toBeGreaterThan(5000);
    const queued = await accepted(await uploadFile(admin, longName, "Plain notes without a title.", "text/plain"));
    expect(queued.title.length).toBeLessThanOrEqual(512);
    expect(queued.title).toMatch(/^part0 part1 part2 .* part\d+…$/);
    expect((await waitForDocument(admin, queued.id)).title).toBe(queued.title);

    const multipart = await createUpload(admin, { filename: longName, size: 10 });
    expect(multipart.status).toBe(201);
  }, 60_000);

  it("shortens a title the file declares that is longer than the limit", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const heading = Array.from({ length: 20_000 }, (_, index) => `heading${index}`).join(" ");
    const response = await batch(admin, [{ externalId: "long-heading.md", text: `# ${heading}\n\nBody text.` }]);
    const { documents } = await response.json<{ documents: DocumentView[] }>();
    const ready = await waitForDocument(admin, documents[0]?.id ?? "");
    expect(ready.status).toBe("ready");
    expect(ready.title.length).toBeLessThanOrEqual(512);
    expect(ready.title).toMatch(/^heading0 heading1 .* heading\d+…$/);
  }, 60_000);

  it("refuses control characters in external ids and collections with 400 naming the field", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const form = new FormData();
    form.append("file", new File(["# A"], "a.md", { type: "text/markdown" }));
    form.append("externalId", "docs/a\u0000.md");
    await expectError(
      await call("/api/documents", { method: "POST", body: form, token: admin }),
      400,
      "invalid_request",
      /^externalId: must not contain control characters/,
    );
    await expectError(
      await batch(admin, [
        { externalId: "fine", text: "x" },
        { externalId: "line\nbreak", text: "x" },
      ]),
      400,
      "invalid_request",
      /^documents\[1\]\.externalId: must not contain control characters/,
    );
    await expectError(
      await batch(admin, [{ externalId: "a", text: "x", collection: "tab\there" }]),
      400,
      "invalid_request",
      /^documents\[0\]\.collection: /,
    );
    await expectError(
      await createUpload(admin, { filename: "a.md", size: 1, externalId: "\u0000" }),
      400,
      "invalid_request",
      /^externalId: /,
    );
  });

  it("strips control characters from titles", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const form = new FormData();
    form.append("file", new File(["Text."], "note\u001bs\u007f.txt", { type: "text/plain" }));
    form.append("collection", "notes");
    expect((await accepted(await call("/api/documents", { method: "POST", body: form, token: admin }))).title).toBe(
      "notes",
    );
    const titled = new FormData();
    titled.append("file", new File(["Text."], "notes.txt", { type: "text/plain" }));
    titled.append("title", "\u0000Minutes\u0000 of\r\nthe meeting");
    const minutes = await accepted(await call("/api/documents", { method: "POST", body: titled, token: admin }));
    expect(minutes.title).toBe("Minutes of the meeting");
    const response = await batch(admin, [{ externalId: "a", title: "Line one\nLine\u0000 two", text: "x" }]);
    expect(response.status).toBe(202);
    const { documents } = await response.json<{ documents: DocumentView[] }>();
    expect(documents[0]?.title).toBe("Line one Line two");
    await expectError(await batch(admin, [{ externalId: "b", title: "\u0000", text: "x" }]), 400, "invalid_request");
  });

  it("refuses a batch that names one external id twice with 400, not 500", async () => {
    const admin = await devToken("admin", uniqueTenant());
    await expectError(
      await batch(admin, [
        { externalId: "faq", text: "One." },
        { externalId: "other", text: "Two." },
        { externalId: "faq", text: "Three." },
      ]),
      400,
      "invalid_request",
      /^documents\[2\]\.externalId: "faq" is also the external id of documents\[0\]/,
    );
  });
});

describe("request bodies are limited before they are read", () => {
  it("refuses a JSON body over a route's limit with 413, declared or streamed", async () => {
    const admin = await devToken("admin", uniqueTenant());
    // Valid JSON that would fail the schema (a 400) if it were parsed.
    const search = encoder.encode(JSON.stringify({ query: "x".repeat(2 * 1024 * 1024) }));
    const declared = await call("/api/search", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": String(search.length) },
      body: search,
      token: admin,
    });
    await expectError(declared, 413, "payload_too_large", /limited to 1 MB/);
    await expectError(await streamed("/api/search", admin, search, "application/json"), 413, "payload_too_large");

    const create = { filename: "a.md", size: 1, title: "x".repeat(100_000) };
    await expectError(await createUpload(admin, create), 413, "payload_too_large", /limited to 64 KB/);

    const big = encoder.encode(
      JSON.stringify({ documents: [{ externalId: "a", text: "x".repeat(maxUploadBytes + 100 * 1024) }] }),
    );
    await expectError(
      await streamed("/api/documents/batch", admin, big, "application/json"),
      413,
      "payload_too_large",
      /A batch is limited to/,
    );
    await expectError(
      await call("/api/documents/batch", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: big,
        token: admin,
      }),
      413,
      "payload_too_large",
    );
  });

  it("answers an upload just over the limit with the JSON 413, however the body arrives", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const justOver = "x".repeat(maxUploadBytes + 1);
    await expectError(await uploadFile(admin, "over.md", justOver), 413, "payload_too_large", /limited to 256 KB/);

    const form = new FormData();
    form.append("file", new File(["x".repeat(maxUploadBytes + 64 * 1024 + 1)], "over.md", { type: "text/markdown" }));
    const { bytes, contentType } = await formBytes(form);
    await expectError(
      await call("/api/documents", {
        method: "POST",
        headers: { "Content-Type": contentType },
        body: bytes,
        token: admin,
      }),
      413,
      "payload_too_large",
      /Uploads are limited to 256 KB in one request: send larger files in parts/,
    );
    await expectError(await streamed("/api/documents", admin, bytes, contentType), 413, "payload_too_large");

    // Just under the limit still goes through, streamed.
    const under = new FormData();
    under.append(
      "file",
      new File(["# Fits\n\n", "y".repeat(maxUploadBytes - 16)], "fits.md", { type: "text/markdown" }),
    );
    const fits = await formBytes(under);
    expect((await streamed("/api/documents", admin, fits.bytes, fits.contentType)).status).toBe(202);
  });
});
