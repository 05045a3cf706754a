import type { EmbeddingModelV4, EmbeddingModelV4CallOptions, EmbeddingModelV4Result } from "@ai-sdk/provider";
import { charactersPerTurn, createPacer } from "../lib/pacer";
import { isStopword, stemWord, wordTokens } from "../rag/text-tokens";

// Character n-grams are many per word and only hint at similarity (shared roots, typos), so they weigh least;
// bigrams add phrase information on top of the single stems that carry most of the meaning.
const stemWeight = 1;
const bigramWeight = 0.5;
const characterGramWeight = 0.2;

const fnvOffsetBasis = 0x811c9dc5;
const fnvPrime = 0x01000193;
// Distinct seeds keep a stem, a bigram and a character n-gram with the same characters on different features.
const stemSeed = fnvOffsetBasis;
const bigramSeed = 0x6a09e667;
const characterTrigramSeed = 0xbb67ae85;
const characterFourGramSeed = 0x3c6ef372;
const wordStartCode = 60; // "<"
const wordEndCode = 62; // ">"

interface WordEntry {
  count: number;
  stemHash: number;
}

/** Options for {@link HashingEmbedder}. */
export interface HashingEmbedderOptions {
  /** Length of every embedding; must match the vector index. Defaults to 768. */
  dimensions?: number;
}

/**
 * A deterministic offline embedding model: signed feature hashing of stems, stem bigrams and character 3/4-grams,
 * with sublinear term frequency, L2-normalised. No network and no weights, so local runs and tests need nothing.
 */
export class HashingEmbedder implements EmbeddingModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "local";
  readonly modelId = "hashing-v1";
  readonly maxEmbeddingsPerCall = 2048;
  readonly supportsParallelCalls = true;
  readonly dimensions: number;

  constructor(options: HashingEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 768;
    assertDimensions(this.dimensions);
  }

  async doEmbed(options: EmbeddingModelV4CallOptions): Promise<EmbeddingModelV4Result> {
    options.abortSignal?.throwIfAborted();
    const dimensions = options.dimensions ?? this.dimensions;
    assertDimensions(dimensions);
    let tokens = 0;
    const embeddings: number[][] = [];
    // A slice of large chunks is tens of milliseconds of hashing: other requests get a turn in between.
    const pause = createPacer(charactersPerTurn);
    for (const value of options.values) {
      const { vector, tokenCount } = hashFeatures(value, dimensions);
      tokens += tokenCount;
      embeddings.push(toArray(vector));
      await pause(value.length);
    }
    return { embeddings, usage: { tokens }, warnings: [] };
  }
}

/** Embeds one text the way {@link HashingEmbedder} does; an empty text gives the zero vector. */
export function embedText(text: string, dimensions: number): number[] {
  assertDimensions(dimensions);
  return toArray(hashFeatures(text, dimensions).vector);
}

// Array.from over a typed array showed up in profiles; a plain loop into a sized array is much cheaper.
function toArray(vector: Float32Array): number[] {
  const values = new Array<number>(vector.length);
  for (let index = 0; index < vector.length; index++) values[index] = vector[index] ?? 0;
  return values;
}

function assertDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new RangeError(`Embedding dimensions must be a positive integer, got ${dimensions}`);
  }
}

function hashFeatures(text: string, dimensions: number): { vector: Float32Array; tokenCount: number } {
  const tokens = wordTokens(text);
  const words = new Map<string, WordEntry>();
  stemCounts.clear();
  bigramCounts.clear();
  characterGramCounts.clear();
  let previousStemHash: number | undefined;
  for (const token of tokens) {
    if (isStopword(token)) continue;
    let entry = words.get(token);
    if (entry === undefined) {
      entry = { count: 0, stemHash: hashString(stemWord(token), stemSeed) };
      words.set(token, entry);
    }
    entry.count++;
    stemCounts.add(entry.stemHash, 1);
    if (previousStemHash !== undefined) {
      bigramCounts.add(mix(Math.imul(previousStemHash, 0x9e3779b1) ^ entry.stemHash ^ bigramSeed), 1);
    }
    previousStemHash = entry.stemHash;
  }

  // Each distinct word's n-grams are hashed once and counted as often as the word occurs.
  for (const [word, entry] of words) {
    addCharacterGrams(word, 3, characterTrigramSeed, entry.count);
    addCharacterGrams(word, 4, characterFourGramSeed, entry.count);
  }

  const vector = new Float32Array(dimensions);
  stemCounts.addTo(vector, stemWeight);
  bigramCounts.addTo(vector, bigramWeight);
  characterGramCounts.addTo(vector, characterGramWeight);
  normalize(vector);
  return { vector, tokenCount: tokens.length };
}

function addCharacterGrams(word: string, size: number, seed: number, count: number): void {
  // The word is framed as "<word>" without building that string, so prefixes and suffixes get their own grams.
  const framedLength = word.length + 2;
  for (let start = 0; start + size <= framedLength; start++) {
    let hash = seed;
    for (let offset = start; offset < start + size; offset++) {
      const code =
        offset === 0 ? wordStartCode : offset === framedLength - 1 ? wordEndCode : word.charCodeAt(offset - 1);
      hash = Math.imul(hash ^ code, fnvPrime);
    }
    characterGramCounts.add(mix(hash), count);
  }
}

function normalize(vector: Float32Array): void {
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  if (sumOfSquares === 0) return;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] ?? 0) * scale;
}

// Counts per feature hash in an open-addressing table over typed arrays: cheaper than a Map for the thousand or
// so features of an abstract, and reused between texts so counting allocates nothing.
class FeatureCounts {
  private keys = new Int32Array(1024);
  // A count of zero marks an empty slot; every stored count is at least one.
  private counts = new Float64Array(1024);
  private occupiedSlots = new Int32Array(512);
  private size = 0;

  add(key: number, amount: number): void {
    const mask = this.keys.length - 1;
    let slot = key & mask;
    while (this.counts[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    if (this.counts[slot] === 0) {
      this.keys[slot] = key;
      this.occupiedSlots[this.size++] = slot;
      this.counts[slot] = amount;
      if (this.size * 2 >= this.keys.length) this.grow();
      return;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + amount;
  }

  // Sublinear term frequency: a feature seen n times adds weight × (1 + ln n) to its signed slot.
  addTo(vector: Float32Array, weight: number): void {
    for (let index = 0; index < this.size; index++) {
      const slot = this.occupiedSlots[index] ?? 0;
      const key = this.keys[slot] ?? 0;
      // Keys are mixed, so the sign bit and the other 31 bits are independent: one picks the sign, the rest the slot.
      const target = (key & 0x7fffffff) % vector.length;
      const frequency = weight * (1 + Math.log(this.counts[slot] ?? 1));
      vector[target] = (vector[target] ?? 0) + (key < 0 ? -frequency : frequency);
    }
  }

  clear(): void {
    for (let index = 0; index < this.size; index++) this.counts[this.occupiedSlots[index] ?? 0] = 0;
    this.size = 0;
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    const occupiedSlots = this.occupiedSlots;
    const size = this.size;
    this.keys = new Int32Array(keys.length * 2);
    this.counts = new Float64Array(keys.length * 2);
    this.occupiedSlots = new Int32Array(keys.length);
    this.size = 0;
    for (let index = 0; index < size; index++) {
      const slot = occupiedSlots[index] ?? 0;
      this.add(keys[slot] ?? 0, counts[slot] ?? 0);
    }
  }
}

// Scratch tables shared by every call: hashing is synchronous, so no two texts ever use them at once.
const stemCounts = new FeatureCounts();
const bigramCounts = new FeatureCounts();
const characterGramCounts = new FeatureCounts();

function hashString(text: string, seed: number): number {
  let hash = seed;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), fnvPrime);
  return mix(hash);
}

// The murmur3 finaliser: FNV-1a alone spreads short keys poorly over the low bits that pick a slot.
function mix(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash | 0;
}
