import { describe, expect, it } from "vitest";
import type { ChatMessage, DocumentView } from "../../worker/contract";
import { call, devToken, postJson, readUiStream, uniqueTenant, uploadFile, waitForDocument } from "../support/api";
import { handbook, hotelQuestion } from "../support/handbook";

function userMessage(text: string): ChatMessage {
  return { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] };
}

describe("the RAG loop, through the HTTP API", () => {
  it("uploads Markdown, indexes it through the queue, and streams a cited answer that is saved", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);

    const upload = await uploadFile(admin, "travel-handbook.md", handbook);
    expect(upload.status).toBe(202);
    const { document } = await upload.json<{ document: DocumentView }>();
    expect(document.status).toBe("queued");
    const indexed = await waitForDocument(admin, document.id);
    expect(indexed).toMatchObject({ status: "ready", error: null });
    expect(indexed.chunksTotal).toBeGreaterThan(0);

    const conversationId = `conv-${crypto.randomUUID()}`;
    const response = await postJson("/api/chat", { id: conversationId, message: userMessage(hotelQuestion) }, admin);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    // Server-Timing: the Worker's part and its call into the conversation's object.
    expect(response.headers.get("Server-Timing")).toMatch(/(^|,\s*)conversation;dur=/);
    const chunks = await readUiStream(response);

    // The offline model here sends its words without pause: they reach the stream buffer in one turn and are stored,
    // and sent, as one text delta or a few.
    const deltas = chunks.filter((chunk) => chunk.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(0);
    const answer = deltas.map((chunk) => chunk.delta).join("");
    expect(answer).toContain("180 euros");
    expect(answer).toMatch(/\[1\]/);

    const sourceDocuments = chunks.filter((chunk) => chunk.type === "source-document");
    expect(sourceDocuments.length).toBeGreaterThan(0);
    expect(String(sourceDocuments[0]?.sourceId)).toMatch(new RegExp(`^${document.id}:`));
    // Uploaded without a title: the handbook's `# heading` names it.
    expect(sourceDocuments[0]?.title).toBe("Travel handbook");

    const sources = chunks.find((chunk) => chunk.type === "data-sources");
    expect(sources?.data).toMatchObject({
      sources: expect.arrayContaining([expect.objectContaining({ documentId: document.id })]),
    });
    // Each source names where it is in its document and carries the whole passage, for the reader to check.
    expect(sources?.data).toMatchObject({
      sources: expect.arrayContaining([
        expect.objectContaining({
          headingPath: "Travel handbook > Expenses",
          page: null,
          snippet: expect.stringMatching(/Employees book trains[\s\S]*120 euros elsewhere\.$/),
        }),
      ]),
    });
    const timings = chunks.find((chunk) => chunk.type === "data-timings");
    expect(timings?.data).toMatchObject({ offline: true, model: "extractive-v1" });
    // The default stages, reranking and pseudo-relevance feedback among them, each with its time.
    expect(timings?.data).toMatchObject({
      retrievalStages: {
        search: expect.any(Number),
        embed: expect.any(Number),
        vectorQuery: expect.any(Number),
        fullTextQuery: expect.any(Number),
        feedback: expect.any(Number),
        fusion: expect.any(Number),
        hydrate: expect.any(Number),
        rerank: expect.any(Number),
      },
      conversationHopMs: expect.any(Number),
    });

    const history = await call(`/api/conversations/${conversationId}`, { token: admin });
    expect(history.status).toBe(200);
    const { messages } = await history.json<{ messages: ChatMessage[] }>();
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    const saved = messages[1];
    const savedText = saved?.parts.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("");
    expect(savedText).toBe(answer);
    expect(saved?.parts.some((part) => part.type === "source-document")).toBe(true);
    expect(saved?.metadata?.usage?.outputTokens).toBeGreaterThan(0);
  });

  it("keeps the conversation going: a follow-up is appended to the same history", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const { document } = await (await uploadFile(admin, "handbook.md", handbook)).json<{ document: DocumentView }>();
    await waitForDocument(admin, document.id);

    const id = `conv-${crypto.randomUUID()}`;
    await readUiStream(
      await postJson("/api/chat", { id, message: userMessage("What do new starters receive?") }, admin),
    );
    await readUiStream(
      await postJson("/api/chat", { id, message: userMessage("How soon must lost equipment be reported?") }, admin),
    );

    const { messages } = await (await call(`/api/conversations/${id}`, { token: admin })).json<{
      messages: ChatMessage[];
    }>();
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(JSON.stringify(messages[3])).toContain("24 hours");
  });

  it("upserts batch documents by external id and serves the new version after re-ingest", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const first = { externalId: "policy-1", title: "Leave policy", text: "Staff get 25 days of paid leave each year." };

    const created = await (await postJson("/api/documents/batch", { documents: [first] }, admin)).json<{
      documents: Array<DocumentView & { changed: boolean }>;
    }>();
    const id = created.documents[0]?.id ?? "";
    expect(created.documents[0]).toMatchObject({ changed: true, version: 1 });
    await waitForDocument(admin, id);

    const again = await (await postJson("/api/documents/batch", { documents: [first] }, admin)).json<{
      documents: Array<DocumentView & { changed: boolean }>;
    }>();
    expect(again.documents[0]).toMatchObject({ id, changed: false, version: 1 });

    const edited = { ...first, text: "Staff get 30 days of paid leave each year." };
    const updated = await (await postJson("/api/documents/batch", { documents: [edited] }, admin)).json<{
      documents: Array<DocumentView & { changed: boolean }>;
    }>();
    expect(updated.documents[0]).toMatchObject({ id, changed: true, version: 2 });
    expect(await waitForDocument(admin, id)).toMatchObject({ status: "ready", version: 2 });

    const search = await postJson("/api/search", { query: "paid leave days" }, admin);
    const { results } = await search.json<{
      results: Array<{ documentId: string; externalId: string; text: string }>;
    }>();
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ documentId: id, externalId: "policy-1" });
    expect(results[0]?.text).toContain("30 days");

    const listing = await (await call("/api/documents", { token: admin })).json<{ documents: DocumentView[] }>();
    expect(listing.documents.map((document) => document.id)).toEqual([id]);
  });
});
