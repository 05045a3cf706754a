import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { devToken, postJson, uniqueTenant, waitForDocument } from "../support/api";
import {
  abortUpload,
  completeUpload,
  createUpload,
  putAllParts,
  putPart,
  startUpload,
  uploadInParts,
  waitForLargeDocument,
} from "../support/uploads";

const encoder = new TextEncoder();
const words = ["harbour", "ledger", "quarterly", "turbine", "meadow", "invoice", "glacier", "protocol", "orchard"];

/** About `targetBytes` of Markdown in long sections of prose, with one distinctive fact at the very end. */
function largeMarkdown(targetBytes: number, fact: string): Uint8Array {
  const parts: string[] = ["# Operations archive\n"];
  let size = 0;
  for (let sentence = 1; size < targetBytes - fact.length - 64; sentence++) {
    const phrase = Array.from({ length: 10 }, (_, index) => words[(sentence * 7 + index * 5) % words.length]).join(" ");
    const text =
      `${sentence % 400 === 1 ? `\n## Volume ${sentence}\n` : ""}${sentence % 8 === 1 ? "\n" : ""}` +
      `Record ${sentence} notes the ${phrase}. `;
    parts.push(text);
    size += text.length;
  }
  parts.push(`\n\n## Closing note\n\n${fact}\n`);
  return encoder.encode(parts.join(""));
}

async function expectError(response: Response, status: number, message?: RegExp) {
  expect(response.status).toBe(status);
  const body = await response.json<{ error: { code: string; message: string } }>();
  expect(body.error.code).toEqual(expect.any(String));
  if (message) expect(body.error.message).toMatch(message);
}

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

describe("large uploads through R2 multipart upload", () => {
  it("assembles a 12 MB Markdown file from two parts and ingests it until it is searchable", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const fact = "The Skerry Point lighthouse was automated in nineteen eighty-seven.";
    const bytes = largeMarkdown(12_000_000, fact);

    const upload = await startUpload(admin, {
      filename: "operations-archive.md",
      size: bytes.byteLength,
      externalId: "archive/operations.md",
    });
    expect(upload).toMatchObject({ partSize: 8 * 1024 * 1024, partCount: 2 });
    const parts = await putAllParts(admin, upload, bytes);
    const completed = await completeUpload(admin, upload.id, parts);
    expect(completed.status).toBe(202);
    const { document } = await completed.json<{ document: { id: string; size: number; status: string } }>();
    expect(document).toMatchObject({ size: bytes.byteLength, status: "queued" });

    const indexed = await waitForLargeDocument(admin, document.id, 60_000);
    expect(indexed).toMatchObject({ status: "ready", error: null, externalId: "archive/operations.md" });
    // No title was given, so the file's own `# heading` names it once it is read.
    expect(indexed.title).toBe("Operations archive");

    const search = await postJson("/api/search", { query: "Skerry Point lighthouse automated" }, admin);
    const { results } = await search.json<{ results: Array<{ documentId: string; text: string }> }>();
    expect(results[0]?.documentId).toBe(document.id);
    expect(results[0]?.text).toContain("Skerry Point");
  }, 120_000);

  it("keeps uploads private to their tenant", async () => {
    const owner = await devToken("admin", uniqueTenant());
    const stranger = await devToken("admin", uniqueTenant());
    const upload = await startUpload(owner, { filename: "notes.md", size: 10 });

    await expectError(await putPart(stranger, upload.id, 1, encoder.encode("# Notes\n\n.")), 404);
    await expectError(await completeUpload(stranger, upload.id, [{ partNumber: 1, etag: "x" }]), 404);
    await expectError(await abortUpload(stranger, upload.id), 404);
    expect((await putPart(owner, upload.id, 1, encoder.encode("# Notes\n\n."))).status).toBe(200);
  });

  it("refuses a file that is not a supported document with 415 and aborts the upload", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const upload = await startUpload(admin, { filename: "diagram.png", size: pngBytes.byteLength });
    await expectError(await putPart(admin, upload.id, 1, pngBytes), 415, /diagram\.png.*not a supported/);
    await expectError(await putPart(admin, upload.id, 1, pngBytes), 409, /aborted/);
  });

  it("refuses a part larger than the part size with 413, and a file over the limit when it is created", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const upload = await startUpload(admin, { filename: "big.md", size: 20 * 1024 * 1024 });
    await expectError(await putPart(admin, upload.id, 1, new Uint8Array(upload.partSize + 1)), 413, /partSize/);
    const limit = Number(env.MAX_FILE_BYTES);
    await expectError(await createUpload(admin, { filename: "huge.md", size: limit + 1 }), 413, /limited/);
  });

  it("aborts an upload: its parts are gone and it cannot be completed", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const upload = await startUpload(admin, { filename: "draft.md", size: 9 });
    const part = await (await putPart(admin, upload.id, 1, encoder.encode("# Draft\n\n"))).json<{ etag: string }>();

    expect((await abortUpload(admin, upload.id)).status).toBe(204);
    expect((await abortUpload(admin, upload.id)).status).toBe(204);
    await expectError(await putPart(admin, upload.id, 1, encoder.encode("# Draft\n\n")), 409);
    await expectError(await completeUpload(admin, upload.id, [{ partNumber: 1, etag: part.etag }]), 409);
  });

  it("explains a completion with a missing part with 400", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const bytes = largeMarkdown(9 * 1024 * 1024, "The end.");
    const upload = await startUpload(admin, { filename: "two-parts.md", size: bytes.byteLength });
    const first = await putPart(admin, upload.id, 1, bytes.subarray(0, upload.partSize));
    const part = await first.json<{ partNumber: number; etag: string }>();

    await expectError(
      await completeUpload(admin, upload.id, [part, { partNumber: 2, etag: "never-uploaded" }]),
      400,
      /never uploaded/,
    );
    await expectError(await completeUpload(admin, upload.id, [{ ...part, partNumber: 2 }]), 400, /Part 1 is missing/);
    await expectError(await completeUpload(admin, upload.id, [part]), 400, /is a part missing/);
    await expectError(await completeUpload(admin, upload.id, [part]), 409, /aborted/);
  });

  it("validates the request and the role", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const member = await devToken("member", uniqueTenant());
    await expectError(await createUpload(member, { filename: "a.md", size: 1 }), 403);
    await expectError(await createUpload(admin, { filename: "", size: 0 }), 400);
    await expectError(await putPart(admin, "no-such-upload", 1, encoder.encode("x")), 404);
    const upload = await startUpload(admin, { filename: "a.md", size: 1 });
    await expectError(await putPart(admin, upload.id, 0, encoder.encode("x")), 400);
    await expectError(await completeUpload(admin, upload.id, []), 400);
  });

  it("updates the document of an existing external id in place", async () => {
    const admin = await devToken("admin", uniqueTenant());
    const first = await uploadInParts(
      admin,
      { filename: "faq.md", externalId: "faq" },
      encoder.encode("# FAQ\n\nOne."),
    );
    await waitForDocument(admin, first.id);
    const second = await uploadInParts(
      admin,
      { filename: "faq.md", externalId: "faq" },
      encoder.encode("# FAQ\n\nTwo."),
    );
    expect(second).toMatchObject({ id: first.id, version: 2 });
    expect(await waitForDocument(admin, first.id)).toMatchObject({ status: "ready", version: 2 });
  });
});
