/**
 * End-to-end test of what `npm start` serves, apart from the app's features: every answer is the Worker's own JSON
 * (never an HTML page or a stack trace from something in front of it), even for uploads it refuses before reading
 * them and for methods it does not answer; and the Worker's scheduled handler runs at start-up. Runs in Node.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ApiClient } from "../../client/api-client.ts";
import { connectWithDevToken } from "../../client/dev-token.ts";
import { freePort, type RunningServer, startServer, startupTimeoutMs } from "../../scripts/lib/app-server.ts";
import { errorCodes } from "../../worker/contract";

// Small, so "just over the limit" is a modest upload, and a burst of refused uploads is far over it.
const maxUploadBytes = 256 * 1024;

let server: RunningServer | undefined;

function baseUrl(): string {
  if (!server) throw new Error("the server did not start");
  return server.baseUrl;
}

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

async function answerOf(response: Pick<Response, "status" | "headers" | "text">): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get("Content-Type") ?? "",
    body: await response.text(),
  };
}

/** Node's fetch refuses TRACE, so this goes through node:http, as any HTTP client could send it. */
function sendWithMethod(method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL(path, baseUrl()), { method }, (incoming) => {
      let body = "";
      incoming.setEncoding("utf8");
      incoming.on("data", (chunk: string) => {
        body += chunk;
      });
      incoming.on("end", () =>
        resolve({ status: incoming.statusCode ?? 0, contentType: incoming.headers["content-type"] ?? "", body }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** A client signed in as an admin of the `local-server` tenant. */
async function adminClient(): Promise<{ api: ApiClient; token: string }> {
  return connectWithDevToken({ baseUrl: baseUrl() }, "admin", "local-server");
}

/** The API's error shape, with a code of the contract; and nothing of the server's insides. */
function expectCleanError(answer: Answer, status: number, code: string): void {
  expect(answer, answer.body.slice(0, 300)).toMatchObject({
    status,
    contentType: expect.stringMatching(/^application\/json/),
  });
  const parsed: unknown = JSON.parse(answer.body);
  expect(parsed).toEqual({ error: { code, message: expect.any(String) } });
  expect(errorCodes).toContain(code);
  expect(answer.body).not.toMatch(/<html|<pre|\bat \S+ \(|node_modules|\/(?:work|home|tmp|usr|root)\/|\.[jt]s:\d+/i);
}

/** The status of every `POST /api/dev/token` (a D1 write) answered while the server started, asked from its spawn on. */
const startupAnswers: number[] = [];

beforeAll(async () => {
  const port = await freePort();
  let starting = true;
  const probing = (async () => {
    while (starting) {
      const status = await fetch(`http://localhost:${port}/api/dev/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ role: "admin", tenant: "startup-probe" }),
      }).then(
        (response) => response.status,
        () => null,
      );
      if (status !== null) startupAnswers.push(status);
      // Paced, not waiting for anything: the next attempt follows the last one's answer or refused connection.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    server = await startServer({ MAX_UPLOAD_BYTES: String(maxUploadBytes) }, { port });
  } finally {
    starting = false;
    await probing;
  }
}, startupTimeoutMs + 30_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

describe("npm start", () => {
  test("answers nothing with a 5xx while it starts: the port opens once the D1 migrations are applied", () => {
    expect(startupAnswers.length).toBeGreaterThan(0);
    expect(startupAnswers.filter((status) => status >= 500)).toEqual([]);
  });

  test('runs the Worker\'s scheduled handler at start-up with cron "@reboot"', async () => {
    expect(await server?.waitForLine(/^Scheduled handler \(cron "@reboot"\)/)).toBe(
      'Scheduled handler (cron "@reboot"): ok',
    );
    // The trigger is the local runtime's, never the Worker's own route.
    const trigger = await fetch(new URL("/cdn-cgi/local/scheduled?cron=*+*+*+*+*&format=json", baseUrl()));
    expect(await trigger.json()).toEqual({ outcome: "ok", noRetry: false });
  });

  test("refuses a burst of uploads before reading them, each with the Worker's JSON error", async () => {
    const { token } = await adminClient();
    const megabyte = 1024 * 1024;
    // Without a token (401), and with one but far over the limit (413): as raw bytes, and as a form upload, which
    // streams its body, as the SPA and `npm run ingest` send files.
    const kinds: ReadonlyArray<"unauthorized" | "raw" | "form"> = ["unauthorized", "raw", "form"];
    const send = (index: number) => {
      const kind = kinds[index % kinds.length];
      const bytes = new Uint8Array(megabyte + (index % 4) * megabyte);
      const headers = new Headers(kind === "unauthorized" ? {} : { Authorization: `Bearer ${token}` });
      let body: BodyInit = bytes;
      if (kind === "form") {
        const form = new FormData();
        form.append("file", new File([bytes], `upload-${index}.md`, { type: "text/markdown" }));
        body = form;
      } else {
        headers.set("Content-Type", "application/octet-stream");
      }
      return fetch(new URL("/api/documents", baseUrl()), { method: "POST", headers, body }).then(answerOf);
    };
    const answers = await Promise.all(Array.from({ length: 150 }, (_, index) => send(index)));
    for (const [index, answer] of answers.entries()) {
      if (index % kinds.length === 0) expectCleanError(answer, 401, "unauthorized");
      else expectCleanError(answer, 413, "payload_too_large");
    }
  });

  test("refuses an upload of MAX_UPLOAD_BYTES + 1 bytes with a 413", async () => {
    const { api } = await adminClient();
    const file = new File([new Uint8Array(maxUploadBytes + 1)], "just-over.md", { type: "text/markdown" });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => api.documents.$post({ form: { file } }).then(answerOf)),
    );
    for (const answer of answers) expectCleanError(answer, 413, "payload_too_large");
  });

  test("answers TRACE with a 405 JSON error", async () => {
    expectCleanError(await sendWithMethod("TRACE", "/api/health"), 405, "method_not_allowed");
    expectCleanError(await sendWithMethod("TRACE", "/api/documents"), 405, "method_not_allowed");
  });
});
