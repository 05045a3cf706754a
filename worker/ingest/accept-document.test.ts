import { describe, expect, it } from "vitest";
import { AppError } from "../lib/app-error";
import { formatMegabytes } from "../lib/format-megabytes";
import { testFixtures } from "../rag/parse/test-fixtures";
import {
  acceptDocument,
  acceptDocumentContent,
  acceptDocumentFields,
  batchTextLimit,
  fileLimit,
  singleUploadLimit,
} from "./accept-document";

const encoder = new TextEncoder();
const limit = fileLimit(1024 * 1024);

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("accepting a document", () => {
  it("sniffs the type and takes the title from the file name when none is given", () => {
    const head = encoder.encode("# Notes\n\nHello.");
    expect(acceptDocument({ filename: "notes.md", size: head.length, head, declaredType: null }, limit)).toEqual({
      title: "notes",
      titleSource: "filename",
      contentType: "text/markdown",
      externalId: null,
      collection: "default",
    });
    expect(
      acceptDocument(
        {
          filename: "report.pdf",
          size: 10,
          head: testFixtures["report.pdf"],
          declaredType: "text/plain",
          title: " Q3\u0000 report ",
          externalId: "reports/q3",
          collection: "finance",
        },
        limit,
      ),
    ).toEqual({
      title: "Q3 report",
      titleSource: "explicit",
      contentType: "application/pdf",
      externalId: "reports/q3",
      collection: "finance",
    });
  });

  it("refuses what is not a supported document with 415, naming the file and what is accepted", () => {
    const error = refusal(() =>
      acceptDocumentContent({ head: testFixtures["image.png"], filename: "notes.md", declaredType: "text/markdown" }),
    );
    expect(error.code).toBe("unsupported_media_type");
    expect(error.message).toBe(
      'Unsupported file type: upload text, Markdown, HTML, PDF, DOCX, CSV or JSON ("notes.md" is not a supported document type)',
    );
  });

  it("refuses a file over the limit with 413 before looking at it, in megabytes", () => {
    const tooLarge = refusal(() =>
      acceptDocumentFields({ filename: "archive.md", size: 1024 * 1024 + 1 }, fileLimit(1024 * 1024)),
    );
    expect(tooLarge.code).toBe("payload_too_large");
    expect(tooLarge.message).toBe('Files are limited to 1 MB, and "archive.md" is larger');
    expect(
      refusal(() => acceptDocumentFields({ filename: "a.md", size: 300_000 }, singleUploadLimit(262_144))).message,
    ).toBe(
      'Uploads are limited to 256 KB in one request, and "a.md" is larger: send larger files in parts (POST /api/uploads)',
    );
    expect(
      refusal(() => acceptDocumentFields({ filename: null, externalId: "faq", size: 11 }, batchTextLimit(10))).message,
    ).toBe('The text of each document is limited to 10 bytes, and "faq" is larger');
    // The size is only a number: a head that is short does not hide a large file.
    expect(acceptDocumentFields({ filename: "a.md", size: 1024 * 1024 }, limit).title).toBe("a");
  });

  it("names the field when an external id or collection holds control characters", () => {
    const externalId = refusal(() =>
      acceptDocumentFields({ filename: "a.md", size: 1, externalId: "a\u0000b" }, limit),
    );
    expect(externalId.code).toBe("invalid_request");
    expect(externalId.message).toMatch(/^externalId: must not contain control characters/);
    const collection = refusal(() => acceptDocumentFields({ filename: "a.md", size: 1, collection: "x\ny" }, limit));
    expect(collection.message).toMatch(/^collection: must not contain control characters/);
    expect(refusal(() => acceptDocumentFields({ filename: "a.md", size: 1, title: "\u0000 " }, limit)).message).toBe(
      "title: title must not be empty",
    );
  });

  it("shortens a long file name into a title but keeps it whole in nothing it echoes", () => {
    const filename = `${"long name ".repeat(500)}.md`;
    const { title } = acceptDocumentFields({ filename, size: 1 }, limit);
    expect(title.length).toBeLessThanOrEqual(512);
    const error = refusal(() =>
      acceptDocumentContent({ head: testFixtures["image.png"], filename, declaredType: null }),
    );
    expect(error.message.length).toBeLessThan(250);
  });

  it("falls back to the external id's last segment for a batch document without a title", () => {
    expect(acceptDocumentFields({ filename: null, externalId: "guides/setup.md", size: 1 }, limit)).toMatchObject({
      title: "setup",
      titleSource: "filename",
    });
  });
});

describe("formatMegabytes", () => {
  it("writes limits the way people read them", () => {
    expect(formatMegabytes(104_857_600)).toBe("100 MB");
    expect(formatMegabytes(10_485_760)).toBe("10 MB");
    expect(formatMegabytes(1.5 * 1024 * 1024)).toBe("1.5 MB");
    expect(formatMegabytes(262_144)).toBe("256 KB");
    expect(formatMegabytes(500)).toBe("500 bytes");
  });
});
