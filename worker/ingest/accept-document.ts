import type { z } from "zod";
import { collectionSchema, documentTitleSchema, externalIdSchema } from "../contract";
import type { TitleSource } from "../db/schema";
import { AppError } from "../lib/app-error";
import { describeIssues } from "../lib/describe-issues";
import { formatMegabytes } from "../lib/format-megabytes";
import { documentLimitStatement, documentLimits } from "../rag/parse/document-limits";
import { detectContentType, maxSniffBytes, type SupportedContentType } from "../rag/parse/supported-types";
import { fitTitle, titleFromFilename } from "./document-title";

/** How many leading bytes of a file `acceptDocumentContent` needs: read this much, or all of a smaller file. */
export const documentHeadBytes = maxSniffBytes;

const acceptedTypes = "text, Markdown, HTML, PDF, DOCX, CSV or JSON";
// A file name in a message is for recognising the file, not for echoing 5,000 characters back.
const maxNameInMessage = 100;

/** A size limit and how a message states it (e.g. "Files are limited to 100 MB"). */
export interface SizeLimit {
  maxBytes: number;
  statement: string;
  /** What to do instead, when there is something. */
  advice?: string;
}

/** The limit of a single-request upload, past which files go through a multipart upload. */
export function singleUploadLimit(maxBytes: number): SizeLimit {
  return {
    maxBytes,
    statement: `Uploads are limited to ${formatMegabytes(maxBytes)} in one request`,
    advice: "send larger files in parts (POST /api/uploads)",
  };
}

/** The limit of any file, however it arrives (multipart upload, inbox). */
export function fileLimit(maxBytes: number): SizeLimit {
  return { maxBytes, statement: `Files are limited to ${formatMegabytes(maxBytes)}` };
}

/** The limit of one document's text in a batch. */
export function batchTextLimit(maxBytes: number): SizeLimit {
  return { maxBytes, statement: `The text of each document is limited to ${formatMegabytes(maxBytes)}` };
}

/** The limit of a document of `contentType`, which ingestion can parse within the isolate's memory. */
export function documentTypeLimit(contentType: SupportedContentType): SizeLimit {
  return { maxBytes: documentLimits[contentType], statement: documentLimitStatement(contentType) };
}

/**
 * Refuses with 413 a document larger than its type allows (`documentLimits`), naming the file; the limit of the way
 * it arrived is checked by `acceptDocumentFields`.
 */
export function acceptDocumentSize(size: number, contentType: SupportedContentType, name: string | null): void {
  const limit = documentTypeLimit(contentType);
  if (size > limit.maxBytes) throw new AppError("payload_too_large", sizeLimitMessage(limit, name));
}

/** What a submitter says about a document, before any of it is checked. */
export interface DocumentFields {
  /** The name the file came with (maybe a relative path); its title when neither submitter nor file gives one. */
  filename: string | null;
  size: number;
  /** The submitter's title, which always wins. */
  title?: string | null;
  externalId?: string | null;
  collection?: string | null;
}

/** The fields a document is submitted with once they passed every intake rule. */
export interface AcceptedFields {
  /** The submitter's title, else the file name's; a title the file declares replaces the latter on ingestion. */
  title: string;
  titleSource: Extract<TitleSource, "explicit" | "filename">;
  externalId: string | null;
  collection: string;
}

/** What tells a file's type: its first bytes, its name and the type the sender declared (only a hint). */
export interface DocumentContent {
  /** At least the first `documentHeadBytes` of the file, or all of it. */
  head: Uint8Array;
  filename: string | null;
  declaredType: string | null;
}

export type AcceptedDocument = AcceptedFields & { contentType: SupportedContentType };

/**
 * The one check of an incoming document, for single and multipart uploads, batches and inbox files: its
 * fields (`acceptDocumentFields`), its content (`acceptDocumentContent`) and its size for its type
 * (`acceptDocumentSize`). Throws an `AppError` (400, 413 or 415) whose message says what to change.
 */
export function acceptDocument(document: DocumentFields & DocumentContent, limit: SizeLimit): AcceptedDocument {
  const fields = acceptDocumentFields(document, limit);
  const contentType = acceptDocumentContent(document);
  acceptDocumentSize(document.size, contentType, document.filename ?? document.externalId ?? null);
  return { ...fields, contentType };
}

/**
 * Checks a document's size against `limit` and its external id, collection and title against the contract's
 * rules, and settles its title: the submitter's, else the file name without its extension (shortened to fit,
 * never refused for its length), else the last segment of the external id.
 */
export function acceptDocumentFields(fields: DocumentFields, limit: SizeLimit): AcceptedFields {
  if (fields.size > limit.maxBytes) {
    const name = fields.filename ?? fields.externalId ?? null;
    throw new AppError("payload_too_large", sizeLimitMessage(limit, name));
  }
  const externalId = fields.externalId == null ? null : check("externalId", externalIdSchema, fields.externalId);
  const collection = check("collection", collectionSchema, fields.collection ?? "default");
  if (fields.title != null) {
    return {
      title: check("title", documentTitleSchema, fields.title),
      titleSource: "explicit",
      externalId,
      collection,
    };
  }
  const name = fields.filename ?? externalId;
  return {
    title: name === null ? "Untitled document" : titleFromFilename(name),
    titleSource: "filename",
    externalId,
    collection,
  };
}

/**
 * What a file really is, decided by its bytes (`detectContentType`), not its name or declared type alone.
 * Throws 415 for anything that is not a supported document, naming the file.
 */
export function acceptDocumentContent(content: DocumentContent): SupportedContentType {
  const contentType = detectContentType({
    head: content.head.subarray(0, documentHeadBytes),
    filename: content.filename ?? "",
    declaredType: content.declaredType,
  });
  if (contentType) return contentType;
  const which = content.filename === null ? "" : ` (${quoteName(content.filename)} is not a supported document type)`;
  throw new AppError("unsupported_media_type", `Unsupported file type: upload ${acceptedTypes}${which}`);
}

/** The 413 message of `limit`, naming the file when there is one. */
export function sizeLimitMessage(limit: SizeLimit, name: string | null): string {
  const which = name === null ? "" : `, and ${quoteName(name)} is larger`;
  return `${limit.statement}${which}${limit.advice ? `: ${limit.advice}` : ""}`;
}

function quoteName(name: string): string {
  return `"${fitTitle(name, maxNameInMessage) ?? "the file"}"`;
}

// The routes validate these fields already; inbox files and anything else that arrives without a request
// schema get the same rules, with the same messages.
function check<Schema extends z.ZodType>(field: string, schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError(
    "invalid_request",
    describeIssues({ issues: result.error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] })) }),
  );
}
