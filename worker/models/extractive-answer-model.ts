import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { type PromptSource, parseSourcesFromSystemPrompt } from "../rag/prompt";
import {
  minimumQuestionCoverage,
  questionCoverage,
  questionTerms,
  type SentenceInPassage,
  sentenceCoversQuestion,
} from "../rag/question-coverage";
import { questionParts } from "../rag/question-parts";
import { isWhitespaceCode, splitSentences } from "../rag/sentences";
import { contentTerms, wordTokens } from "../rag/text-tokens";

/** Opening line of every answer that quotes the documents, so nobody mistakes it for a generated answer. */
export const extractiveAnswerHeading = "From your documents:";
/** The whole answer when no source sentence covers the question (or any part of it). */
export const notFoundAnswer = "Your documents do not cover this question, so it is not answered here.";
/** What the answer says under a part of a question that no source sentence covers. */
export const uncoveredPartAnswer = "Your documents do not cover this part.";

const maximumSentences = 4;
// A question with several parts gets up to this many sentences for each.
const maximumSentencesPerPart = 2;
const maximumAnswerWords = 150;
const maximumSentenceWords = 80;
const shortestSentenceWords = 4;
// Later picks must score at least this share of the best sentence, so weak matches don't pad the answer.
const minimumRelativeScore = 0.4;
// Each sentence already taken from a source scales that source's other sentences by this, favouring variety.
const sameSourcePenalty = 0.7;
const duplicateOverlap = 0.8;
// A question term found only in the sentence's title or section counts this much of a match in the sentence.
const contextWeight = 0.5;
const bm25TermSaturation = 1.2;
const bm25LengthNormalization = 0.75;

/** Options for {@link ExtractiveAnswerModel}. */
export interface ExtractiveAnswerModelOptions {
  /** Pause between streamed text deltas, to make local streaming visible; 0 streams as fast as possible. */
  delayMs?: number;
}

/** The parts of a source the model reads: what the answer prompt gives it, and what retrieval gives the relevance test. */
export type ReadableSource = Omit<PromptSource, "id">;

interface Candidate {
  sourceId: number;
  text: string;
  /** A Markdown table, quoted whole with its line breaks so it still reads (and renders) as a table. */
  table: boolean;
  wordCount: number;
  terms: string[];
  where: SentenceInPassage;
}

interface ScoredCandidate {
  candidate: Candidate;
  score: number;
}

/**
 * An offline language model that answers by quoting: it reads the numbered sources from the system prompt built
 * by `buildAnswerPrompt`, picks the source sentences that best cover the last user message (each part of it, for a
 * question that asks several things), and cites them.
 */
export class ExtractiveAnswerModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "local";
  readonly modelId = "extractive-v1";
  readonly supportedUrls: Record<string, RegExp[]> = {};
  private readonly delayMs: number;

  constructor(options: ExtractiveAnswerModelOptions = {}) {
    this.delayMs = options.delayMs ?? 0;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    options.abortSignal?.throwIfAborted();
    const text = answerPrompt(options.prompt);
    return {
      content: [{ type: "text", text }],
      finishReason: { unified: "stop", raw: undefined },
      usage: estimateUsage(options.prompt, text),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    options.abortSignal?.throwIfAborted();
    const text = answerPrompt(options.prompt);
    const id = "answer";
    const parts: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "text-start", id },
      ...(text.match(/\S+\s*/g) ?? []).map((delta): LanguageModelV4StreamPart => ({ type: "text-delta", id, delta })),
      { type: "text-end", id },
      { type: "finish", finishReason: { unified: "stop", raw: undefined }, usage: estimateUsage(options.prompt, text) },
    ];

    // Cancelling the stream must also end a pending pause, not only an abort from the caller.
    const cancellation = new AbortController();
    const signal = options.abortSignal
      ? AbortSignal.any([options.abortSignal, cancellation.signal])
      : cancellation.signal;
    const delayMs = this.delayMs;
    let next = 0;
    let deltasSent = 0;
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      async pull(controller) {
        const part = parts[next++];
        if (part === undefined) {
          controller.close();
          return;
        }
        if (part.type === "text-delta") {
          if (deltasSent > 0 && delayMs > 0) await pause(delayMs, signal);
          deltasSent++;
        }
        signal.throwIfAborted();
        controller.enqueue(part);
      },
      cancel(reason) {
        cancellation.abort(reason);
      },
    });
    return { stream };
  }
}

/**
 * Whether the extractive model finds a sentence to quote in `source` for this part of a question: the relevance test
 * a source must pass to be given to it (see `sentenceCoversQuestion`).
 */
export function canQuote(part: string, source: ReadableSource): boolean {
  const terms = questionTerms(part);
  const surroundings = surroundingTerms(source);
  if (!mayCover(terms, source, surroundings)) return false;
  return sentencesOf({ ...source, id: 0 }, surroundings).some((candidate) =>
    sentenceCoversQuestion(terms, candidate.where),
  );
}

/**
 * Whether some sentence of `source` could cover `terms`, judged on the whole passage without splitting it into
 * sentences: a sentence's terms are among its passage's, so it names a term only if the passage does, and covers no
 * more of them than the passage and its title and headings do. (Removing a citation marker can join two words into
 * one the passage does not have, so a text with a "[" is always split.) Most sources retrieval finds that the model
 * cannot quote fail here, at a fraction of the cost of splitting them.
 */
function mayCover(terms: readonly string[], source: ReadableSource, { context, passage }: SurroundingTerms): boolean {
  if (source.text.includes("[")) return true;
  if (!terms.some((term) => passage.has(term))) return false;
  return questionCoverage(terms, { sentence: passage, context, passage }) >= minimumQuestionCoverage;
}

/**
 * Composes a short extractive answer under {@link extractiveAnswerHeading}: the best two to four source sentences
 * that cover the question, each followed by its `[n]` marker; for a question with several parts, each part in bold
 * with its own sentences, or {@link uncoveredPartAnswer}. {@link notFoundAnswer} when no part is covered.
 */
export function composeExtractiveAnswer(question: string, sources: readonly PromptSource[]): string {
  const candidates = candidatesOf(sources);
  const parts = questionParts(question);
  const sentencesPerPart = parts.length > 1 ? maximumSentencesPerPart : maximumSentences;
  const answers = parts.map((part) => quotedAnswer(part, candidates, sentencesPerPart));
  if (answers.every((answer) => answer === null)) return notFoundAnswer;
  if (parts.length === 1) return `${extractiveAnswerHeading}\n\n${answers[0]}`;
  const answeredParts = parts.map((part, index) => `**${part}** ${answers[index] ?? uncoveredPartAnswer}`);
  return [extractiveAnswerHeading, ...answeredParts].join("\n\n");
}

function candidatesOf(sources: readonly PromptSource[]): Candidate[] {
  return sources.flatMap((source) => sentencesOf(source, surroundingTerms(source)));
}

/** The terms of a source's title and headings, and of its whole passage: what each of its sentences stands in. */
type SurroundingTerms = Omit<SentenceInPassage, "sentence">;

function surroundingTerms(source: ReadableSource): SurroundingTerms {
  return {
    context: new Set(contentTerms(`${source.title}\n${source.section}`)),
    passage: new Set(contentTerms(source.text)),
  };
}

// The source's quotable sentences and tables, each with its terms and the terms around it.
function sentencesOf(source: PromptSource, { context, passage }: SurroundingTerms): Candidate[] {
  return quotablePassages(source.text).map(({ text, table }) => {
    const terms = contentTerms(text);
    return {
      sourceId: source.id,
      text,
      table,
      wordCount: wordTokens(text).length,
      terms,
      where: { sentence: new Set(terms), context, passage },
    };
  });
}

// The cited sentences that answer one question part, or null when no sentence covers it.
function quotedAnswer(part: string, candidates: readonly Candidate[], maximum: number): string | null {
  const questionTermList = questionTerms(part);
  const eligible = candidates.filter((candidate) => sentenceCoversQuestion(questionTermList, candidate.where));
  if (eligible.length === 0) return null;

  // BM25 over the sentences of the sources ranks the eligible ones.
  const averageLength = candidates.reduce((sum, candidate) => sum + candidate.terms.length, 0) / candidates.length;
  const weights = new Map(
    questionTermList.map((term) => {
      const documentFrequency = candidates.filter((candidate) => candidate.where.sentence.has(term)).length;
      const inverse = Math.log(1 + (candidates.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
      return [term, inverse] as const;
    }),
  );
  const scored = eligible.map((candidate): ScoredCandidate => {
    let score = 0;
    for (const [term, weight] of weights) {
      const frequency = candidate.terms.filter((candidateTerm) => candidateTerm === term).length;
      if (frequency === 0) {
        // A sentence under a title or heading that names the term is about it, as a reader would see it.
        if (candidate.where.context.has(term)) score += weight * contextWeight;
        continue;
      }
      const lengthRatio = candidate.terms.length / (averageLength || 1);
      const saturation = bm25TermSaturation * (1 - bm25LengthNormalization + bm25LengthNormalization * lengthRatio);
      score += (weight * frequency * (bm25TermSaturation + 1)) / (frequency + saturation);
    }
    return { candidate, score };
  });
  let answer = "";
  let previous: Candidate | null = null;
  for (const { candidate } of pickSentences(scored, maximum)) {
    // A table stands apart, in paragraphs of its own; sentences run on in one paragraph.
    if (previous !== null) answer += previous.table || candidate.table ? "\n\n" : " ";
    answer += candidate.table
      ? `As listed in [${candidate.sourceId}]:\n\n${candidate.text}`
      : `${finishSentence(candidate.text)} [${candidate.sourceId}]`;
    previous = candidate;
  }
  return answer;
}

function pickSentences(eligible: ScoredCandidate[], maximum: number): ScoredCandidate[] {
  const bestScore = Math.max(...eligible.map((scored) => scored.score));
  const picked: ScoredCandidate[] = [];
  const remaining = [...eligible];
  let words = 0;
  while (picked.length < maximum && remaining.length > 0) {
    let bestIndex = 0;
    let bestAdjusted = -1;
    remaining.forEach((scored, index) => {
      const fromSameSource = picked.filter((chosen) => chosen.candidate.sourceId === scored.candidate.sourceId).length;
      const adjusted = scored.score * sameSourcePenalty ** fromSameSource;
      if (adjusted > bestAdjusted) {
        bestAdjusted = adjusted;
        bestIndex = index;
      }
    });
    const [scored] = remaining.splice(bestIndex, 1);
    if (scored === undefined || scored.score < minimumRelativeScore * bestScore) break;
    const { candidate } = scored;
    if (
      picked.some((chosen) => overlap(chosen.candidate.where.sentence, candidate.where.sentence) >= duplicateOverlap)
    ) {
      continue;
    }
    const wordCount = Math.min(candidate.wordCount, maximumSentenceWords);
    // The first sentence always goes in (shortened if need be); later ones only while the answer stays short.
    if (picked.length > 0 && words + wordCount > maximumAnswerWords) continue;
    picked.push(scored);
    words += wordCount;
  }
  return picked;
}

function answerPrompt(prompt: LanguageModelV4Prompt): string {
  const system = prompt.flatMap((message) => (message.role === "system" ? [message.content] : [])).join("\n");
  const lastUserMessage = prompt.findLast((message) => message.role === "user");
  const question =
    lastUserMessage?.role === "user"
      ? lastUserMessage.content.map((part) => (part.type === "text" ? part.text : "")).join(" ")
      : "";
  return composeExtractiveAnswer(question, parseSourcesFromSystemPrompt(system));
}

// The passages of a source worth quoting: its sentences, and its tables whole. Blank lines, list items and headings
// start new blocks (other line breaks are just wrapping); headings are left out, and list markers and bracketed
// numbers (which would read as our own citation markers) are removed. A table too long to quote is quoted as text.
function quotablePassages(text: string): Array<{ text: string; table: boolean }> {
  const passages: Array<{ text: string; table: boolean }> = [];
  for (const block of sourceBlocks(text)) {
    if (headingMarkerEnd(block, skipWhitespace(block, 0)) !== null) continue;
    const table = markdownTable(block);
    if (table !== null && wordTokens(table).length <= maximumAnswerWords) {
      passages.push({ text: table, table: true });
      continue;
    }
    const flattened = withoutCitationMarkers(collapseWhitespace(withoutListMarker(block))).trim();
    for (const sentence of splitSentences(flattened)) {
      if (wordTokens(sentence).length >= shortestSentenceWords) passages.push({ text: sentence, table: false });
    }
  }
  return passages;
}

// The block as a GFM table (rows of "|" cells, the second a delimiter row such as "| --- | :-: |"), each row's
// whitespace collapsed and bracketed numbers removed; null when the block is no table.
function markdownTable(block: string): string | null {
  const lines = block.split("\n");
  const delimiter = lines[1];
  if (delimiter === undefined || !/^[\s|:-]+$/.test(delimiter) || !delimiter.includes("-")) return null;
  if (!lines.every((line) => line.charAt(skipWhitespace(line, 0)) === "|")) return null;
  return lines.map((line) => withoutCitationMarkers(collapseWhitespace(line))).join("\n");
}

function sourceBlocks(text: string): string[] {
  const blocks: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length > 0) blocks.push(block.join("\n"));
    block = [];
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") flush();
    else {
      const indent = skipSpacesAndTabs(line, 0);
      if (listMarkerEnd(line, indent) !== null || headingMarkerEnd(line, indent) !== null) flush();
      block.push(line);
    }
  }
  flush();
  return blocks;
}

function withoutListMarker(block: string): string {
  const start = skipWhitespace(block, 0);
  const end = listMarkerEnd(block, start);
  return end === null ? block : block.slice(end);
}

// The end of a list marker (a bullet, or digits with "." or ")") and the whitespace after it, or null.
function listMarkerEnd(text: string, from: number): number | null {
  let index = from;
  if (isOneOf(text.charAt(index), "-*+•")) index += 1;
  else {
    while (isDigit(text.charCodeAt(index))) index += 1;
    if (index === from || !isOneOf(text.charAt(index), ".)")) return null;
    index += 1;
  }
  const end = skipWhitespace(text, index);
  return end > index ? end : null;
}

// The end of a heading's one to six "#" and the whitespace after them, or null.
function headingMarkerEnd(text: string, from: number): number | null {
  let index = from;
  while (index < text.length && text.charAt(index) === "#") index += 1;
  const hashes = index - from;
  return hashes >= 1 && hashes <= 6 && isWhitespaceCode(text.charCodeAt(index)) ? index + 1 : null;
}

function collapseWhitespace(text: string): string {
  const pieces: string[] = [];
  let index = skipWhitespace(text, 0);
  while (index < text.length) {
    let end = index;
    while (end < text.length && !isWhitespaceCode(text.charCodeAt(end))) end += 1;
    pieces.push(text.slice(index, end));
    index = skipWhitespace(text, end);
  }
  return pieces.join(" ");
}

// Drops "[3]", "[1, 2]" and "[4–6]" with the space before them, from text whose whitespace is collapsed.
function withoutCitationMarkers(text: string): string {
  let result = "";
  let copied = 0;
  let index = text.indexOf("[");
  while (index >= 0) {
    const end = citationMarkerEnd(text, index);
    if (end !== null) {
      const start = index > copied && text.charAt(index - 1) === " " ? index - 1 : index;
      result += text.slice(copied, start);
      copied = end;
    }
    index = text.indexOf("[", end ?? index + 1);
  }
  return result + text.slice(copied);
}

function citationMarkerEnd(text: string, open: number): number | null {
  let index = open + 1;
  for (;;) {
    const digitsStart = index;
    while (isDigit(text.charCodeAt(index))) index += 1;
    if (index === digitsStart) return null;
    if (text.charAt(index) === "]") return index + 1;
    if (text.charAt(index) === " ") index += 1;
    if (!isOneOf(text.charAt(index), ",–-")) return null;
    index += 1;
    if (text.charAt(index) === " ") index += 1;
  }
}

function skipWhitespace(text: string, from: number): number {
  let index = from;
  while (index < text.length && isWhitespaceCode(text.charCodeAt(index))) index += 1;
  return index;
}

function skipSpacesAndTabs(text: string, from: number): number {
  let index = from;
  while (index < text.length && (text.charAt(index) === " " || text.charAt(index) === "\t")) index += 1;
  return index;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function finishSentence(sentence: string): string {
  const words = sentence.split(" ");
  if (words.length > maximumSentenceWords) return `${words.slice(0, maximumSentenceWords).join(" ")}…`;
  if (endsWithTerminal(sentence)) return sentence;
  let end = sentence.length;
  while (end > 0 && isOneOf(sentence.charAt(end - 1), ",:;")) end -= 1;
  return `${sentence.slice(0, end)}.`;
}

// Whether the sentence ends with terminal punctuation, perhaps inside closing quotes or brackets.
function endsWithTerminal(sentence: string): boolean {
  let end = sentence.length;
  while (end > 0 && isOneOf(sentence.charAt(end - 1), "\"')]")) end -= 1;
  return end > 0 && isOneOf(sentence.charAt(end - 1), ".!?…");
}

function isOneOf(character: string, characters: string): boolean {
  return character.length === 1 && characters.includes(character);
}

function overlap(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of left) if (right.has(term)) shared++;
  const union = left.size + right.size - shared;
  return union === 0 ? 1 : shared / union;
}

function estimateUsage(prompt: LanguageModelV4Prompt, answer: string): LanguageModelV4Usage {
  // Words stand in for tokens: there is no tokenizer offline, and the figures only feed usage reports.
  const inputTokens = prompt.reduce((sum, message) => {
    if (message.role === "system") return sum + countWords(message.content);
    return (
      sum + message.content.reduce((partSum, part) => partSum + (part.type === "text" ? countWords(part.text) : 0), 0)
    );
  }, 0);
  const outputTokens = countWords(answer);
  return {
    inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: outputTokens, text: outputTokens, reasoning: undefined },
  };
}

function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

function pause(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
