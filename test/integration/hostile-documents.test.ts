import { describe, expect, it } from "vitest";
import { docxFile, run } from "../../bench/support/hostile-files";
import { findDocument } from "../../worker/db/documents";
import type { IngestMessage } from "../../worker/ingest/ingest-message";
import { submitDocument } from "../../worker/ingest/submit-document";
import { documentLimits } from "../../worker/rag/parse/document-limits";
import { docxContentType, type SupportedContentType } from "../../worker/rag/parse/supported-types";
import { devToken, uniqueTenant } from "../support/api";
import { createHarness, deliverBatch, drainQueue, expectSettled, type Harness } from "../support/ingest-harness";
import { completeUpload, putAllParts, startUpload } from "../support/uploads";

const encoder = new TextEncoder();
const megabyte = 1024 * 1024;

// A file of `size` bytes that intake sniffs as `contentType`: its first bytes say what it is, and zeros (or, for text,
// `filler` repeated) make up the rest.
function fileOfType(contentType: SupportedContentType, size: number): { filename: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  const textHead = (head: string, filename: string, filler = " ") => {
    bytes.set(encoder.encode(head.padEnd(size, filler)).subarray(0, size));
    return { filename, bytes };
  };
  switch (contentType) {
    case "text/plain":
      return textHead("Plain text.", "large.txt");
    case "text/markdown":
      return textHead("# Large", "large.md");
    case "text/html":
      return textHead("<!doctype html><html><body><p>Large</p>", "large.html");
    case "text/csv":
      return textHead("a,b\n", "large.csv", "1,2\n");
    case "application/json":
      return textHead('[{"a": 1}', "large.json");
    case "application/pdf":
      bytes.set(encoder.encode("%PDF-1.7\n"));
      return { filename: "large.pdf", bytes };
    case docxContentType:
      bytes.set(docxFile(1024, false));
      return { filename: "large.docx", bytes };
  }
}

async function submit(harness: Harness, filename: string, body: Uint8Array, contentType: SupportedContentType) {
  const { document } = await submitDocument(harness.deps, {
    tenantId: harness.tenantId,
    title: filename,
    body,
    contentType,
    externalId: null,
    collection: "default",
    source: "upload",
  });
  return document;
}

function takeMessage(harness: Harness): IngestMessage {
  const message = harness.queue.take();
  if (!message) throw new Error("submitDocument queued nothing");
  return message;
}

describe("hostile documents", () => {
  const supportedTypes: SupportedContentType[] = [
    "text/plain",
    "text/markdown",
    "text/html",
    "text/csv",
    "application/json",
    "application/pdf",
    docxContentType,
  ];
  it.each(supportedTypes)(
    "refuses a %s file one byte over its type's limit with 413 and a message naming the limit",
    async (contentType) => {
      const limit = documentLimits[contentType];
      const token = await devToken("admin", uniqueTenant());
      const file = fileOfType(contentType, limit + 1);
      const upload = await startUpload(token, { filename: file.filename, size: file.bytes.length });
      const parts = await putAllParts(token, upload, file.bytes);
      const response = await completeUpload(token, upload.id, parts);
      expect(response.status).toBe(413);
      const { error } = await response.json<{ error: { code: string; message: string } }>();
      expect(error.code).toBe("payload_too_large");
      expect(error.message).toMatch(
        new RegExp(`^\\w+ files are limited to ${limit / megabyte} MB, and "${file.filename}" is larger`),
      );
    },
  );

  it("fails a DOCX bomb alone, with a readable reason, while the other document of its batch is indexed", async () => {
    const harness = await createHarness();
    const bomb = await submit(harness, "bomb.docx", docxFile(61 * megabyte, true), docxContentType);
    const bombMessage = takeMessage(harness);
    const notes = await submit(harness, "notes.md", encoder.encode("# Notes\n\nThe notes are fine."), "text/markdown");
    const notesMessage = takeMessage(harness);

    const result = await deliverBatch(harness, [bombMessage, notesMessage]);
    expect(result.retryMessages).toEqual([]);
    await drainQueue(harness);

    expect(await findDocument(harness.deps.db, harness.tenantId, bomb.id)).toMatchObject({
      status: "failed",
      error: "The DOCX file is too large to index once unpacked (its text and layout exceed 4 MB)",
    });
    expect(await findDocument(harness.deps.db, harness.tenantId, notes.id)).toMatchObject({ status: "ready" });
    await expectSettled(harness.tenantId);
  });

  it("fails a stored file over its type's limit before reading it, and indexes the rest of the batch", async () => {
    const harness = await createHarness();
    const limit = documentLimits["text/html"];
    const large = await submit(harness, "large.html", fileOfType("text/html", limit + 1).bytes, "text/html");
    const largeMessage = takeMessage(harness);
    const small = await submit(harness, "small.html", encoder.encode("<p>A small page.</p>"), "text/html");
    const smallMessage = takeMessage(harness);

    await deliverBatch(harness, [largeMessage, smallMessage]);
    await drainQueue(harness);

    expect(await findDocument(harness.deps.db, harness.tenantId, large.id)).toMatchObject({
      status: "failed",
      error: "This file is 4 MB: HTML files are limited to 4 MB, so it cannot be indexed",
    });
    expect(await findDocument(harness.deps.db, harness.tenantId, small.id)).toMatchObject({ status: "ready" });
  });

  it.each([".", "!", "?", "…", ".!?…", "A. ", "1.", "#", "|", "`", "\n"])("indexes 1 MB of %j", async (unit) => {
    const harness = await createHarness();
    const document = await submit(harness, "punctuation.md", run(unit, megabyte), "text/markdown");
    await drainQueue(harness);
    const settled = await findDocument(harness.deps.db, harness.tenantId, document.id);
    // A megabyte of newlines holds no text at all, which is a reason of its own.
    if (unit === "\n")
      expect(settled).toMatchObject({ status: "failed", error: "The document contains no text to index" });
    else expect(settled).toMatchObject({ status: "ready" });
  });
});
