import { describe, expect, it } from "vitest";
import { devToken, postJson, uniqueTenant, waitForDocument } from "../support/api";

interface Hit {
  documentId: string;
  externalId: string | null;
  title: string;
}

async function batchUpload(
  token: string,
  documents: Array<{ externalId: string; title: string; text: string; collection: string }>,
) {
  const response = await postJson("/api/documents/batch", { documents }, token);
  expect(response.status).toBe(202);
  const body = await response.json<{ documents: Array<{ id: string }> }>();
  const ids = body.documents.map((entry) => entry.id);
  for (const id of ids) await waitForDocument(token, id);
  return ids;
}

async function search(token: string, body: unknown): Promise<Response> {
  return postJson("/api/search", body, token);
}

async function externalIds(token: string, body: unknown): Promise<string[]> {
  const response = await search(token, body);
  expect(response.status).toBe(200);
  const { results } = await response.json<{ results: Hit[] }>();
  return results.map((result) => result.externalId ?? "");
}

describe("POST /api/search", () => {
  it("filters by collection and by document ids, in both rankers", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const member = await devToken("member", tenant);
    const [, , glacierId] = await batchUpload(admin, [
      { externalId: "a", title: "Penguin colonies", text: "Emperor penguins breed on sea ice.", collection: "birds" },
      { externalId: "b", title: "Penguin diets", text: "Penguins eat krill and fish.", collection: "food" },
      { externalId: "c", title: "Glaciers", text: "Penguins sometimes cross glaciers.", collection: "ice" },
    ]);

    expect((await externalIds(member, { query: "penguins", topK: 10 })).sort()).toEqual(["a", "b", "c"]);
    for (const mode of ["hybrid", "fts", "vector"]) {
      expect(await externalIds(admin, { query: "penguins", mode, filter: { collection: "food" } })).toEqual(["b"]);
      expect(await externalIds(admin, { query: "penguins", mode, filter: { documentIds: [glacierId] } })).toEqual([
        "c",
      ]);
      expect(
        await externalIds(admin, { query: "penguins", mode, filter: { collection: "food", documentIds: [glacierId] } }),
      ).toEqual([]);
    }
  });

  it("reranks a crafted case for the better: the passage with the query's words together comes first", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    await batchUpload(admin, [
      {
        externalId: "scattered",
        title: "Vitamin shops",
        text:
          "Elderly patients buy vitamin tablets. Shops sell vitamin drinks to the elderly. " +
          "A deficiency of stock is rare.",
        collection: "health",
      },
      {
        externalId: "together",
        title: "Bone health",
        text:
          "Vitamin D deficiency in elderly patients weakens their bones, as a long study of hospital records over " +
          "many years in several countries found when it followed thousands of people through winters and summers.",
        collection: "health",
      },
      { externalId: "filler", title: "Gardening", text: "Tomatoes need sun and water.", collection: "health" },
    ]);
    const query = "vitamin D deficiency in elderly patients";
    const noFeedback = {
      feedback: { chunks: 0, weight: 0, expansionTerms: 0, originalQueryWeight: 1, vectorShift: 0 },
    };
    const fusedOnly = { ...noFeedback, reranking: { candidates: 0, weight: 0 } };
    const reranked = { ...noFeedback, reranking: { candidates: 10, weight: 2 } };
    expect((await externalIds(admin, { query, retrieval: fusedOnly })).slice(0, 2)).toEqual(["scattered", "together"]);
    expect((await externalIds(admin, { query, retrieval: reranked })).slice(0, 2)).toEqual(["together", "scattered"]);

    const response = await search(admin, { query, retrieval: reranked });
    const { timings } = await response.json<{ timings: { retrievalMs: number; stages: Record<string, number> } }>();
    expect(Object.keys(timings.stages).sort()).toEqual([
      "embed",
      "fullTextQuery",
      "fusion",
      "hydrate",
      "rerank",
      "search",
      "vectorQuery",
    ]);
    // Server-Timing carries the same stages, the retrieval and the whole request in the Worker.
    const serverTiming = response.headers.get("Server-Timing") ?? "";
    for (const metric of ["total", "retrieval", ...Object.keys(timings.stages)]) {
      expect(serverTiming).toMatch(new RegExp(`(^|,\\s*)${metric};dur=`));
    }
  });

  it("lets only admins change retrieval settings, and checks them", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const member = await devToken("member", tenant);
    const reranking = { reranking: { candidates: 10, weight: 1 } };
    expect((await search(member, { query: "penguins", retrieval: reranking })).status).toBe(403);
    expect((await search(admin, { query: "penguins", retrieval: reranking })).status).toBe(200);
    expect((await search(admin, { query: "penguins", retrieval: { reranking: { candidates: 500 } } })).status).toBe(
      400,
    );
    expect((await search(admin, { query: "penguins", retrieval: { unknown: 1 } })).status).toBe(400);
  });

  it("ranks again with pseudo-relevance feedback: a passage with the best passage's words rises above one without", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    // Made-up words, so no other test's documents move their weight in the shared full-text index: "other" has one
    // query word in a short text, "related" the other in a long one, so the question ranks "other" first; feedback
    // finds the best passage's words (huddle, sea, ice) in "related" only.
    await batchUpload(admin, [
      { externalId: "named", title: "Zorbex quallins", text: "Zorbex quallins huddle on sea ice.", collection: "a" },
      {
        externalId: "related",
        title: "Huddles",
        text: "Huddles keep warmth on sea ice through the winter, quallins among them, for weeks on end.",
        collection: "a",
      },
      { externalId: "other", title: "Gardening", text: "Zorbex tomatoes need sun and water.", collection: "a" },
    ]);
    // Fused at twice the first pass's weight, feedback's second place outranks the first pass's second place (at
    // equal weights the two would tie, and ties fall to chunk ids).
    const feedback = { chunks: 1, weight: 2, expansionTerms: 5, originalQueryWeight: 0.5, vectorShift: 0 };
    const noFeedback = { ...feedback, chunks: 0 };
    const withoutFeedback = { query: "zorbex quallins", mode: "fts", retrieval: { feedback: noFeedback } };
    expect(await externalIds(admin, withoutFeedback)).toEqual(["named", "other", "related"]);
    const response = await search(admin, { query: "zorbex quallins", mode: "fts", retrieval: { feedback } });
    const { results, timings } = await response.json<{ results: Hit[]; timings: { stages: Record<string, number> } }>();
    expect(results.map((result) => result.externalId)).toEqual(["named", "related", "other"]);
    expect(Object.keys(timings.stages).sort()).toEqual([
      "feedback",
      "fullTextQuery",
      "fusion",
      "hydrate",
      "rerank",
      "search",
    ]);
  });

  it("lets only admins pick a single ranker, and takes topK up to 100", async () => {
    const tenant = uniqueTenant();
    const admin = await devToken("admin", tenant);
    const member = await devToken("member", tenant);
    expect((await search(member, { query: "penguins", mode: "fts" })).status).toBe(403);
    expect((await search(member, { query: "penguins", mode: "hybrid", topK: 100 })).status).toBe(200);
    expect((await search(admin, { query: "penguins", mode: "vector", topK: 100 })).status).toBe(200);
    expect((await search(admin, { query: "penguins", filter: { documentIds: [] } })).status).toBe(400);
  });
});
