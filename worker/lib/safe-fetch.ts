import { formatMegabytes } from "./format-megabytes";
import { checkUrl, RefusedUrlError, type UrlPolicy } from "./url-guard";

/** How the Worker reaches the internet: the platform's `fetch` in production; tests serve pages from memory. */
export type FetchFunction = (request: Request) => Promise<Response>;

/** The platform's `fetch`, looked up at each call (never captured at module load). */
export const platformFetch: FetchFunction = (request) => fetch(request);

export interface SafeFetchOptions {
  fetch: FetchFunction;
  policy: UrlPolicy;
  /** Larger bodies are refused while they stream, so a huge or endless one never fills memory. */
  maxBytes: number;
  /** For the whole exchange: every redirect and the body. */
  timeoutMs: number;
  /** The validators of the copy already held, for a conditional request. */
  validators?: PageValidators;
}

/** What a server said identifies the version of a page (`ETag`, `Last-Modified`). */
export interface PageValidators {
  etag: string | null;
  lastModified: string | null;
}

/** A fetched page: its final URL (after redirects) and either its body or the news that it did not change. */
export type FetchedPage = { url: URL; validators: PageValidators } & (
  | { notModified: true }
  | { notModified: false; body: Uint8Array; contentType: string | null }
);

/** A fetch that did not produce the page. `transient` failures (timeouts, 5xx, 429) may succeed when retried. */
export class FetchFailedError extends Error {
  override name = "FetchFailedError";

  constructor(
    message: string,
    readonly transient: boolean,
    /** The HTTP status, when the server answered. */
    readonly status: number | null = null,
  ) {
    super(message);
  }

  /** The server says the page is not there (404, 410): a site's page that was removed. */
  get gone(): boolean {
    return this.status === 404 || this.status === 410;
  }
}

/** Redirects followed at most, each one checked by the guard like the first URL. */
export const maxRedirects = 5;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const userAgent = "edge-rag-chat (URL sources)";

/**
 * GETs `url` for ingestion with the SSRF guard (`checkUrl`) applied to it and to every redirect, which is followed by
 * hand so no hop escapes the check; at most `maxRedirects` hops, `maxBytes` of body and `timeoutMs` in all. Throws
 * `RefusedUrlError` for a URL the guard refuses and `FetchFailedError` for anything else that went wrong.
 */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<FetchedPage> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = checkUrl(url, options.policy);
  try {
    for (let hop = 0; ; hop += 1) {
      const response = await options.fetch(
        new Request(current, { method: "GET", redirect: "manual", signal, headers: requestHeaders(options) }),
      );
      if (redirectStatuses.has(response.status)) {
        await response.body?.cancel();
        const location = response.headers.get("Location");
        if (!location) throw new FetchFailedError(`${current.href} redirected without a Location`, false);
        if (hop === maxRedirects) {
          throw new FetchFailedError(`${shown(url)} redirected more than ${maxRedirects} times`, false);
        }
        current = checkUrl(location, options.policy, current);
        continue;
      }
      const validators = {
        etag: response.headers.get("ETag"),
        lastModified: response.headers.get("Last-Modified"),
      };
      if (response.status === 304 && options.validators) {
        await response.body?.cancel();
        return { url: current, validators, notModified: true };
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw failedStatus(current, response.status);
      }
      const body = await readBody(response, current, options.maxBytes);
      return { url: current, validators, notModified: false, body, contentType: response.headers.get("Content-Type") };
    }
  } catch (error) {
    if (error instanceof RefusedUrlError || error instanceof FetchFailedError) throw error;
    if (signal.aborted) {
      throw new FetchFailedError(
        `${shown(current.href)} did not answer within ${Math.round(options.timeoutMs / 1000)} s`,
        true,
      );
    }
    throw new FetchFailedError(`${shown(current.href)} could not be reached (${errorText(error)})`, true);
  }
}

function requestHeaders(options: SafeFetchOptions): Headers {
  const headers = new Headers({ "User-Agent": userAgent, Accept: "text/html, text/*;q=0.9, */*;q=0.8" });
  if (options.validators?.etag) headers.set("If-None-Match", options.validators.etag);
  if (options.validators?.lastModified) headers.set("If-Modified-Since", options.validators.lastModified);
  return headers;
}

function failedStatus(url: URL, status: number): FetchFailedError {
  const transient = status === 408 || status === 429 || status >= 500;
  const meaning = status === 404 || status === 410 ? " (not found)" : "";
  return new FetchFailedError(`${shown(url.href)} answered HTTP ${status}${meaning}`, transient, status);
}

async function readBody(response: Response, url: URL, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new FetchFailedError(`${shown(url.href)} is larger than ${formatMegabytes(maxBytes)}, the limit of a file`, false);
  const declared = Number(response.headers.get("Content-Length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : "network error";
}

function shown(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}
