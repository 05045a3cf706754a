import { describe, expect, it } from "vitest";
import { createApiClient } from "./api-client.ts";
import { type OutgoingDocument, sendDocument } from "./send-document.ts";

const text = new TextEncoder().encode("# Progress\n\nTwenty-nine bytes");

function outgoing(bytes: Uint8Array<ArrayBuffer>): OutgoingDocument {
  return {
    filename: "progress.md",
    size: bytes.byteLength,
    read: async (offset, length) => bytes.slice(offset, offset + length),
  };
}

/**
 * A server answering each call in turn, through a `fetch` that, like the browser's upload events, reports half of the
 * body sent and then all of it; `shared` records which requests went through it.
 */
function progressServer(answers: Array<() => Response>) {
  const shared: string[] = [];
  const plainFetch = async () => {
    const answer = answers.shift();
    if (!answer) throw new Error("unexpected request");
    return answer();
  };
  const progressFetch =
    (onShare: (share: number) => void): typeof fetch =>
    async (input, init) => {
      shared.push(`${init?.method} ${new URL(String(input)).pathname}`);
      onShare(0.5);
      onShare(1);
      return plainFetch();
    };
  return { shared, plainFetch, progressFetch };
}

describe("sending a document with upload progress", () => {
  it("reports the bytes sent within the one request, then the whole document", async () => {
    const { shared, plainFetch, progressFetch } = progressServer([
      () => Response.json({ document: { id: "d1" } }, { status: 202 }),
    ]);
    const api = createApiClient({ baseUrl: "http://server.test", fetch: plainFetch });
    const sent: number[] = [];

    await sendDocument(api, outgoing(text), {
      maxSingleRequestBytes: 1024,
      progress: { fetch: progressFetch, onSent: (bytes) => sent.push(bytes) },
    });

    expect(shared).toEqual(["POST /api/documents"]);
    expect(sent).toEqual([Math.floor(text.byteLength / 2), text.byteLength, text.byteLength]);
  });

  it("reports each part's bytes on top of the parts before it, and only parts go through the progress fetch", async () => {
    const { shared, plainFetch, progressFetch } = progressServer([
      () => Response.json({ upload: { id: "u1", partSize: 20, partCount: 2 } }, { status: 201 }),
      () => Response.json({ partNumber: 1, etag: "e1" }),
      () => Response.json({ partNumber: 2, etag: "e2" }),
      () => Response.json({ document: { id: "d1" } }, { status: 202 }),
    ]);
    const api = createApiClient({ baseUrl: "http://server.test", fetch: plainFetch });
    const sent: number[] = [];

    await sendDocument(api, outgoing(text), {
      maxSingleRequestBytes: 10,
      progress: { fetch: progressFetch, onSent: (bytes) => sent.push(bytes) },
    });

    expect(shared).toEqual(["PUT /api/uploads/u1/parts/1", "PUT /api/uploads/u1/parts/2"]);
    const last = text.byteLength - 20;
    expect(sent).toEqual([10, 20, 20, 20 + Math.floor(last / 2), text.byteLength, text.byteLength]);
  });
});
