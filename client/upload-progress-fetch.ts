/** Statuses whose response has no body (the `Response` constructor refuses one). */
const bodilessStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` on XMLHttpRequest, for the browser, that calls `onShare` with the share (0 to 1) of the request's body
 * sent so far: `fetch` itself reports no upload progress, and a streamed request body needs HTTP/2. The request is
 * built as `fetch` would build it (a form's body and boundary included); its signal aborts it.
 */
export function uploadProgressFetch(onShare: (share: number) => void): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body === null ? null : await request.blob();
    return new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(request.method, request.url);
      xhr.responseType = "arraybuffer";
      request.headers.forEach((value, name) => {
        xhr.setRequestHeader(name, value);
      });
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) onShare(event.loaded / event.total);
      };
      xhr.onload = () => {
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/\r?\n/)) {
          const colon = line.indexOf(":");
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
        }
        const responseBody = bodilessStatuses.has(xhr.status) ? null : xhr.response;
        resolve(new Response(responseBody, { status: xhr.status, statusText: xhr.statusText, headers }));
      };
      // As `fetch` does: a network failure is a TypeError, an abort the signal's reason.
      xhr.onerror = () => reject(new TypeError("Failed to fetch"));
      xhr.onabort = () => reject(request.signal.reason ?? new DOMException("The upload was aborted", "AbortError"));
      request.signal.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(body);
    });
  };
}
