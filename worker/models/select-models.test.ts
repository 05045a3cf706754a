import { embed, streamText } from "ai";
import { describe, expect, it, vi } from "vitest";
import type { ModelConfig } from "../config";
import { selectModels } from "./select-models";

const openaiBaseUrl = "https://models.example.test/v1";

function modelConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    provider: "local",
    chatModel: "",
    embeddingModel: "",
    rerankModel: "",
    embeddingDimensions: 384,
    openaiBaseUrl: "",
    openaiApiKey: "",
    ...overrides,
  };
}

function chatChunk(delta: object, finishReason: string | null = null): string {
  const chunk = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

// A stand-in for an OpenAI-compatible server: canned embeddings and a streamed chat completion.
function fakeOpenAiFetch() {
  return vi.fn<typeof fetch>(async (input) => {
    const url = String(input);
    if (url.endsWith("/embeddings")) {
      return Response.json({
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.25, -0.5, 0.75] }],
        model: "text-embedding-3-small",
        usage: { prompt_tokens: 3, total_tokens: 3 },
      });
    }
    if (url.endsWith("/chat/completions")) {
      const body =
        chatChunk({ role: "assistant", content: "Hello" }) +
        chatChunk({ content: " from" }) +
        chatChunk({ content: " the server." }) +
        chatChunk({}, "stop") +
        "data: [DONE]\n\n";
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    return new Response("not found", { status: 404 });
  });
}

function requestTo(fetchMock: ReturnType<typeof fakeOpenAiFetch>, path: string) {
  const call = fetchMock.mock.calls.find(([input]) => String(input).endsWith(path));
  if (!call) throw new Error(`no request to ${path}`);
  const [input, init] = call;
  return { url: String(input), headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) };
}

// The provider calls nothing of the binding but `run`, so a stand-in with `run` is a binding as far as it can tell.
function isAiBinding(value: unknown): value is Ai {
  return typeof value === "object" && value !== null && "run" in value && typeof value.run === "function";
}

describe("selectModels", () => {
  it("uses the offline models for the local provider", async () => {
    const models = selectModels(modelConfig({ chatModel: "extractive-v1" }), {});
    expect(models).toMatchObject({
      chatModelId: "extractive-v1",
      embeddingModelId: "hashing-v1",
      offline: true,
      // It quotes, so it cannot rewrite, name or continue; it is deterministic, so answers are regenerated.
      capabilities: { rewritesQueries: false, writesTitles: false, continuesAnswers: false },
    });
    expect(models.chat.provider).toBe("local");
    const { embedding } = await embed({ model: models.embedding, value: "offline text" });
    expect(embedding).toHaveLength(384);
  });

  it("rejects a model the local provider does not have", () => {
    expect(() => selectModels(modelConfig({ chatModel: "gpt-4o-mini" }), {})).toThrow(/extractive-v1/);
  });

  it("needs the AI binding for Workers AI", () => {
    expect(() => selectModels(modelConfig({ provider: "workers-ai" }), {})).toThrow(/Workers AI binding/);
  });

  it("reranks with the offline lexical reranker, or none when RERANK_MODEL is none", () => {
    expect(selectModels(modelConfig(), {}).reranker?.modelId).toBe("lexical-reranker");
    expect(selectModels(modelConfig({ rerankModel: "none" }), {}).reranker).toBeNull();
    expect(() => selectModels(modelConfig({ rerankModel: "@cf/baai/bge-reranker-base" }), {})).toThrow(
      /lexical-reranker/,
    );
  });

  it("reranks through the Workers AI binding with bge-reranker-base", async () => {
    const calls: Array<{ model: string; inputs: unknown }> = [];
    // Only the binding is a stand-in: it answers as Workers AI's reranker does, ids with scores.
    const binding = {
      run: async (model: string, inputs: unknown) => {
        calls.push({ model, inputs });
        return {
          response: [
            { id: 1, score: 0.9 },
            { id: 0, score: 0.2 },
          ],
        };
      },
    };
    if (!isAiBinding(binding)) throw new Error("the stand-in binding has no run()");
    const models = selectModels(modelConfig({ provider: "workers-ai" }), { ai: binding });
    expect(models.reranker?.modelId).toBe("@cf/baai/bge-reranker-base");
    const scores = await models.reranker?.score("penguin diet", [
      { title: "Glaciers", headingPath: "", text: "Ice moves slowly." },
      { title: "Penguins", headingPath: "Diet", text: "Penguins eat krill." },
    ]);
    expect(scores).toEqual([0.2, 0.9]);
    expect(calls).toEqual([
      {
        model: "@cf/baai/bge-reranker-base",
        inputs: {
          query: "penguin diet",
          contexts: [{ text: "Glaciers\nIce moves slowly." }, { text: "Penguins\nDiet\nPenguins eat krill." }],
        },
      },
    ]);
  });

  it("needs a key or a base URL for the OpenAI provider", () => {
    expect(() => selectModels(modelConfig({ provider: "openai" }), {})).toThrow(/OPENAI_API_KEY/);
  });

  it("talks to an OpenAI-compatible server through the injected fetch", async () => {
    const fetchMock = fakeOpenAiFetch();
    const models = selectModels(
      modelConfig({ provider: "openai", openaiBaseUrl, openaiApiKey: "test-key" }),
      {},
      { fetch: fetchMock },
    );
    expect(models).toMatchObject({
      chatModelId: "gpt-4o-mini",
      embeddingModelId: "text-embedding-3-small",
      offline: false,
      capabilities: { rewritesQueries: true, writesTitles: true, continuesAnswers: true },
    });

    const { embedding } = await embed({ model: models.embedding, value: "hello", maxRetries: 0 });
    expect(embedding).toEqual([0.25, -0.5, 0.75]);
    const embeddingRequest = requestTo(fetchMock, "/embeddings");
    expect(embeddingRequest.url).toBe(`${openaiBaseUrl}/embeddings`);
    expect(embeddingRequest.headers.get("authorization")).toBe("Bearer test-key");
    expect(embeddingRequest.body).toMatchObject({ model: "text-embedding-3-small", input: ["hello"], dimensions: 384 });

    const result = streamText({ model: models.chat, prompt: "Say hello", maxRetries: 0 });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join("")).toBe("Hello from the server.");
    const chatRequest = requestTo(fetchMock, "/chat/completions");
    expect(chatRequest.url).toBe(`${openaiBaseUrl}/chat/completions`);
    expect(chatRequest.body).toMatchObject({ model: "gpt-4o-mini", stream: true });
  });

  it("leaves the vector size alone for embedding models that cannot change it", async () => {
    const fetchMock = fakeOpenAiFetch();
    const models = selectModels(
      modelConfig({ provider: "openai", openaiBaseUrl, embeddingModel: "nomic-embed-text", chatModel: "llama3" }),
      {},
      { fetch: fetchMock },
    );
    expect(models).toMatchObject({ chatModelId: "llama3", embeddingModelId: "nomic-embed-text" });
    await embed({ model: models.embedding, value: "hello", maxRetries: 0 });
    expect(requestTo(fetchMock, "/embeddings").body).not.toHaveProperty("dimensions");
  });
});
