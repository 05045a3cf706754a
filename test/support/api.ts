import { exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { readStream, type StreamEvent } from "../../client/answer-stream.ts";
import type { DocumentView } from "../../worker/contract";

/** Calls the Worker's own fetch handler, as a client on the internet would. */
export function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  return exports.default.fetch(new Request(`https://rag.test${path}`, { ...init, headers }));
}

export function postJson(path: string, body: unknown, token?: string): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    token,
  });
}

/** A fresh tenant for each test, so tests never see each other's data. */
export function uniqueTenant(): string {
  return `t-${crypto.randomUUID().slice(0, 12)}`;
}

export async function devToken(role: "admin" | "member", tenant: string): Promise<string> {
  const response = await postJson("/api/dev/token", { role, tenant });
  expect(response.status).toBe(200);
  const { token } = await response.json<{ token: string }>();
  return token;
}

export async function uploadFile(
  token: string,
  name: string,
  content: string | Uint8Array<ArrayBuffer>,
  type = "text/markdown",
): Promise<Response> {
  const form = new FormData();
  form.append("file", new File([content], name, { type }));
  return call("/api/documents", { method: "POST", body: form, token });
}

/** Waits, without sleeping blindly, until the ingest queue has finished with the document. */
export async function waitForDocument(token: string, id: string): Promise<DocumentView> {
  return vi.waitUntil(
    async () => {
      const response = await call(`/api/documents/${id}`, { token });
      const { document } = await response.json<{ document: DocumentView }>();
      return document.status === "ready" || document.status === "failed" ? document : false;
    },
    { timeout: 20_000, interval: 50 },
  );
}

/** The UI message chunks of an SSE answer stream, in order (the final `[DONE]` is dropped). */
export async function readUiStream(response: Response): Promise<StreamEvent["chunk"][]> {
  return (await readStream(response)).events.map((event) => event.chunk);
}
