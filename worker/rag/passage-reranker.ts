import type { RerankingModelV4 } from "@ai-sdk/provider";
import { rerank } from "ai";
import { passageText } from "./passage-text";

/** What a reranker reads of a passage: its document's title, its heading path and its text. */
export interface RerankedPassage {
  title: string;
  headingPath: string;
  text: string;
}

/**
 * The reranking port: scores passages against a query, more relevant higher. Retrieval hands it the best fused
 * candidates and fuses its order with theirs. Implemented offline by `LexicalReranker`, and for any AI SDK reranking
 * model (Workers AI's `@cf/baai/bge-reranker-base`, Cohere, …) by {@link rerankerOfModel}.
 */
export interface PassageReranker {
  readonly modelId: string;
  /** One relevance score per passage, in the passages' order. */
  score(query: string, passages: readonly RerankedPassage[]): Promise<number[]>;
}

/**
 * A reranker backed by an AI SDK reranking model: each passage is sent as plain text, its title and headings first,
 * because cross-encoders read text, not fields.
 */
export function rerankerOfModel(model: RerankingModelV4): PassageReranker {
  return {
    modelId: model.modelId,
    async score(query, passages) {
      if (passages.length === 0) return [];
      const { ranking } = await rerank({
        model,
        query,
        documents: passages.map((passage) => passageText(passage)),
        maxRetries: 2,
      });
      const scores = passages.map(() => Number.NEGATIVE_INFINITY);
      for (const { originalIndex, score } of ranking) scores[originalIndex] = score;
      return scores;
    },
  };
}
