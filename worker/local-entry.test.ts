import { describe, expect, it } from "vitest";
import { drainUnreadBody } from "./local-entry";

/** A request whose body counts how many of its `chunks` chunks were read. */
function uploadOf(chunks: number): { request: Request; read: () => number } {
  let read = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read === chunks) return controller.close();
      read += 1;
      controller.enqueue(new Uint8Array(64 * 1024));
    },
  });
  return { request: new Request("https://rag.test/api/documents", { method: "POST", body }), read: () => read };
}

describe("drainUnreadBody", () => {
  it("reads the whole body that a handler answered without reading", async () => {
    const { request, read } = uploadOf(100);
    await drainUnreadBody(request);
    expect(read()).toBe(100);
  });

  it("leaves a body alone that the handler read or is still reading", async () => {
    const consumed = uploadOf(3);
    await consumed.request.arrayBuffer();
    await drainUnreadBody(consumed.request);
    expect(consumed.read()).toBe(3);

    const streaming = uploadOf(100);
    const reader = streaming.request.body?.getReader();
    await reader?.read();
    await drainUnreadBody(streaming.request);
    expect(streaming.read()).toBeLessThan(100);
  });

  it("does nothing for a request without a body", async () => {
    await expect(drainUnreadBody(new Request("https://rag.test/api/health"))).resolves.toBeUndefined();
  });
});
