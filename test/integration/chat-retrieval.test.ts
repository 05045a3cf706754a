import { describe, expect, it } from "vitest";
import { type ChatMessage, type DocumentView, type SourcesData, sourcesDataSchema } from "../../worker/contract";
import { devToken, postJson, readUiStream, uniqueTenant, waitForDocument } from "../support/api";

function ask(text: string): ChatMessage {
  return { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] };
}

async function sourcesOf(response: Response): Promise<SourcesData["sources"]> {
  expect(response.status).toBe(200);
  const chunks = await readUiStream(response);
  const part = chunks.find((chunk) => chunk.type === "data-sources");
  return part ? sourcesDataSchema.parse(part.data).sources : [];
}

async function seed() {
  const admin = await devToken("admin", uniqueTenant());
  const response = await postJson(
    "/api/documents/batch",
    {
      documents: [
        {
          externalId: "leave",
          title: "Leave policy",
          text: "# Leave policy\n\nEmployees get 25 days of paid leave. Managers get 28 days of paid leave.",
          collection: "hr",
        },
        {
          externalId: "travel",
          title: "Travel policy",
          text: "# Travel policy\n\nTrains are booked through the travel desk. Unused travel budget can be carried over.",
          collection: "finance",
        },
      ],
    },
    admin,
  );
  const { documents } = await response.json<{ documents: DocumentView[] }>();
  for (const document of documents) await waitForDocument(admin, document.id);
  const [leave, travel] = documents;
  if (!leave || !travel) throw new Error("expected two documents");
  return { admin, leave, travel };
}

describe("chat retrieval", () => {
  it("answers only from the documents or collection the filter names", async () => {
    const { admin, leave, travel } = await seed();
    // Two parts, one for each document: only passages that bear on the question are given, so each filter keeps one.
    const question = "How many days of paid leave do employees get? How are trains booked?";

    const unfiltered = await sourcesOf(await postJson("/api/chat", { id: "c-all", message: ask(question) }, admin));
    expect(unfiltered.map((source) => source.documentId)).toContain(leave.id);

    const byDocument = await sourcesOf(
      await postJson("/api/chat", { id: "c-doc", message: ask(question), filter: { documentIds: [travel.id] } }, admin),
    );
    expect(byDocument.length).toBeGreaterThan(0);
    expect(byDocument.every((source) => source.documentId === travel.id)).toBe(true);

    const byCollection = await sourcesOf(
      await postJson("/api/chat", { id: "c-col", message: ask(question), filter: { collection: "finance" } }, admin),
    );
    expect(byCollection.every((source) => source.documentId === travel.id)).toBe(true);
  });

  it("reads a follow-up question in the light of the one before it", async () => {
    const { admin, leave, travel } = await seed();
    const followUp = "Can it be carried over?";
    // Asked on its own, the follow-up is about the travel budget...
    const alone = await sourcesOf(await postJson("/api/chat", { id: "c-alone", message: ask(followUp) }, admin));
    expect(alone[0]?.documentId).toBe(travel.id);

    // ...but after a question about leave, it is about leave.
    const first = ask("How many days of paid leave do employees get?");
    await sourcesOf(await postJson("/api/chat", { id: "c-follow", message: first }, admin));
    const inContext = await sourcesOf(await postJson("/api/chat", { id: "c-follow", message: ask(followUp) }, admin));
    expect(inContext[0]?.documentId).toBe(leave.id);
  });
});
