import { createOpenAI } from "@ai-sdk/openai";
import type { EmbeddingModelV4, LanguageModelV4 } from "@ai-sdk/provider";
import { wrapEmbeddingModel } from "ai";
import { createWorkersAI } from "workers-ai-provider";
import type { ModelConfig } from "../config";
import { LexicalReranker } from "../rag/lexical-reranker";
import { type PassageReranker, rerankerOfModel } from "../rag/passage-reranker";
import { foundForPart, type SourceRelevance } from "../rag/source-relevance";
import { canQuote, ExtractiveAnswerModel } from "./extractive-answer-model";
import { HashingEmbedder } from "./hashing-embedder";
import { withRequestTimeout } from "./request-timeout";

/**
 * What the chat model can do beyond answering, so the conversation never asks which adapter it has. A generative
 * model writes text; the offline extractive model only quotes the sources of the prompt it is given.
 */
export interface ChatCapabilities {
  /** Rewrites a follow-up question into a standalone search query; otherwise the previous question is searched too. */
  rewritesQueries: boolean;
  /** Writes a short title for a conversation; otherwise the title stays the first question. */
  writesTitles: boolean;
  /**
   * Continues an answer cut off part-way when given its text. Otherwise the model must be deterministic: the answer
   * is generated again from the same prompt and the text already sent is skipped.
   */
  continuesAnswers: boolean;
}

/** The capabilities of a generative chat model (Workers AI, OpenAI-compatible, or a test double). */
export const generativeCapabilities: ChatCapabilities = {
  rewritesQueries: true,
  writesTitles: true,
  continuesAnswers: true,
};

/** The chat and embedding models a deployment uses, with the ids to record and report. */
export interface SelectedModels {
  chat: LanguageModelV4;
  embedding: EmbeddingModelV4;
  chatModelId: string;
  embeddingModelId: string;
  /** Reorders retrieval's best candidates; null when the provider has none or `RERANK_MODEL` is "none". */
  reranker: PassageReranker | null;
  capabilities: ChatCapabilities;
  /** True for the built-in extractive and hashing models, for display only: the UI and API say answers are quoted. */
  offline: boolean;
  /** Which retrieved passages the chat model is given: all it can judge itself, or those it finds words to quote in. */
  sourceRelevance: SourceRelevance;
}

/** Bindings a provider may need; only Workers AI needs one. */
export interface ModelBindings {
  ai?: Ai;
}

/** Knobs for tests and local runs. */
export interface SelectModelsOptions {
  /** Replaces `fetch` for the OpenAI-compatible provider, so tests never touch the network. */
  fetch?: typeof fetch;
  /** Pause between the offline answer model's streamed deltas. */
  answerDelayMs?: number;
}

// How long a remote chat model may take to start responding before the call is retried.
const chatRequestTimeoutMs = 30_000;

const defaultModels = {
  "workers-ai": {
    chat: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    embedding: "@cf/baai/bge-base-en-v1.5",
    reranker: "@cf/baai/bge-reranker-base",
  },
  openai: { chat: "gpt-4o-mini", embedding: "text-embedding-3-small" },
} as const;

// `RERANK_MODEL=none` turns reranking off whatever the provider.
const noReranker = "none";

/**
 * Builds the models named by the config: the offline extractive and hashing models (`local`), Workers AI through
 * its binding (`workers-ai`), or any OpenAI-compatible endpoint (`openai`). Empty model names take the provider's
 * default. Throws when the config names something the provider cannot serve.
 */
export function selectModels(
  config: ModelConfig,
  bindings: ModelBindings,
  options: SelectModelsOptions = {},
): SelectedModels {
  switch (config.provider) {
    case "local":
      return selectLocalModels(config, options);
    case "workers-ai":
      return selectWorkersAiModels(config, bindings);
    case "openai":
      return selectOpenAiModels(config, options);
  }
}

function selectLocalModels(config: ModelConfig, options: SelectModelsOptions): SelectedModels {
  const chat = new ExtractiveAnswerModel({ delayMs: options.answerDelayMs ?? 0 });
  const embedding = new HashingEmbedder({ dimensions: config.embeddingDimensions });
  const reranker = new LexicalReranker();
  // Silently swapping in a different model than the one configured would hide a misconfiguration.
  for (const [configured, available] of [
    [config.chatModel, chat.modelId],
    [config.embeddingModel, embedding.modelId],
    [config.rerankModel === noReranker ? "" : config.rerankModel, reranker.modelId],
  ]) {
    if (configured !== "" && configured !== available) {
      throw new Error(
        `AI_PROVIDER "local" offers only the models "${chat.modelId}", "${embedding.modelId}" and ` +
          `"${reranker.modelId}", not "${configured}"`,
      );
    }
  }
  return {
    chat,
    embedding,
    chatModelId: chat.modelId,
    embeddingModelId: embedding.modelId,
    reranker: config.rerankModel === noReranker ? null : reranker,
    // The extractive model quotes the prompt's sources and is deterministic: an answer is regenerated, not continued.
    capabilities: { rewritesQueries: false, writesTitles: false, continuesAnswers: false },
    offline: true,
    // It cannot tell a passage that answers from one that shares words, so it gets only those it can quote from.
    sourceRelevance: (part, source) =>
      canQuote(part, { title: source.title, section: source.headingPath, text: source.text }),
  };
}

function selectWorkersAiModels(config: ModelConfig, bindings: ModelBindings): SelectedModels {
  if (!bindings.ai) {
    throw new Error('AI_PROVIDER "workers-ai" needs the Workers AI binding: add [ai] binding = "AI" to wrangler.toml');
  }
  const workersAi = createWorkersAI({ binding: bindings.ai });
  const chatModelId = config.chatModel || defaultModels["workers-ai"].chat;
  const embeddingModelId = config.embeddingModel || defaultModels["workers-ai"].embedding;
  return {
    chat: withRequestTimeout(workersAi.chat(chatModelId), chatRequestTimeoutMs),
    embedding: workersAi.embedding(embeddingModelId),
    chatModelId,
    embeddingModelId,
    reranker:
      config.rerankModel === noReranker
        ? null
        : rerankerOfModel(workersAi.reranking(config.rerankModel || defaultModels["workers-ai"].reranker)),
    capabilities: generativeCapabilities,
    offline: false,
    sourceRelevance: foundForPart,
  };
}

function selectOpenAiModels(config: ModelConfig, options: SelectModelsOptions): SelectedModels {
  if (!config.openaiBaseUrl && !config.openaiApiKey) {
    throw new Error('AI_PROVIDER "openai" needs OPENAI_API_KEY, or OPENAI_BASE_URL for a server without keys');
  }
  const openai = createOpenAI({
    // An explicit default keeps the SDK from falling back to process.env, which nodejs_compat may populate.
    baseURL: config.openaiBaseUrl || "https://api.openai.com/v1",
    apiKey: config.openaiApiKey,
    fetch: options.fetch,
  });
  const chatModelId = config.chatModel || defaultModels.openai.chat;
  const embeddingModelId = config.embeddingModel || defaultModels.openai.embedding;
  const embedding = openai.embedding(embeddingModelId);
  // OpenAI-compatible servers have no reranking endpoint in common.
  if (config.rerankModel !== "" && config.rerankModel !== noReranker) {
    throw new Error(`AI_PROVIDER "openai" has no reranking models; set RERANK_MODEL to "" or "none"`);
  }
  return {
    // Chat completions rather than the Responses API: it is what OpenAI-compatible servers implement.
    chat: withRequestTimeout(openai.chat(chatModelId), chatRequestTimeoutMs),
    embedding: embeddingModelId.startsWith("text-embedding-3")
      ? withDefaultDimensions(embedding, config.embeddingDimensions)
      : embedding,
    chatModelId,
    embeddingModelId,
    reranker: null,
    capabilities: generativeCapabilities,
    offline: false,
    sourceRelevance: foundForPart,
  };
}

// text-embedding-3 models can shorten their vectors; asking for the configured size keeps them the same length as
// the vector index. Other models have a fixed size and may reject the parameter, so they are left alone.
function withDefaultDimensions(model: EmbeddingModelV4, dimensions: number): EmbeddingModelV4 {
  return wrapEmbeddingModel({
    model,
    middleware: {
      transformParams: async ({ params }) => ({ ...params, dimensions: params.dimensions ?? dimensions }),
    },
  });
}
