import { sha256Hex } from "../lib/sha256";
import { contentTerms, wordTokens } from "./text-tokens";

/** What the answer cache knows of a question: its exact identity and what it is about. */
export interface QuestionFingerprint {
  /** SHA-256 of the normalised question: equal for questions that differ only in case, spacing and punctuation. */
  hash: string;
  /** Its distinct content terms (stemmed words without stopwords), sorted. */
  terms: string[];
  /** Its MinHash bands; questions sharing one are candidate near-duplicates. Empty when it has no content terms. */
  bands: string[];
}

// 16 bands of 2 rows: two term sets with Jaccard similarity s share a band with probability 1 − (1 − s²)¹⁶, which is
// 0.999 at s = 0.6 (a paraphrase with one changed word of five is found) and 0.64 at s = 0.25 (a candidate only, which
// the exact comparison then rejects).
const bandCount = 16;
const rowsPerBand = 2;

/** The question as the exact match compares it: lower-cased NFKC words, one space apart, no punctuation. */
export function normaliseQuestion(question: string): string {
  return wordTokens(question).join(" ");
}

/** The fingerprint of `question` (see {@link QuestionFingerprint}). */
export async function fingerprintQuestion(question: string): Promise<QuestionFingerprint> {
  const terms = [...new Set(contentTerms(question))].sort();
  return { hash: await sha256Hex(normaliseQuestion(question)), terms, bands: minHashBands(terms) };
}

/** Jaccard similarity of two term sets: shared terms over all terms; 0 when both are empty. */
export function termSimilarity(left: readonly string[], right: readonly string[]): number {
  const leftSet = new Set(left);
  const rightSet = new Set(right);
  const shared = [...leftSet].filter((term) => rightSet.has(term)).length;
  const all = leftSet.size + rightSet.size - shared;
  return all === 0 ? 0 : shared / all;
}

function minHashBands(terms: readonly string[]): string[] {
  if (terms.length === 0) return [];
  const termHashes = terms.map(fnv1a);
  const signature = Array.from({ length: bandCount * rowsPerBand }, (_, permutation) => {
    const seed = Math.imul(permutation + 1, 0x9e3779b1);
    return Math.min(...termHashes.map((hash) => mix(hash ^ seed)));
  });
  return Array.from({ length: bandCount }, (_, band) => {
    const rows = signature.slice(band * rowsPerBand, (band + 1) * rowsPerBand);
    return `${band}:${rows.map((row) => row.toString(36)).join(".")}`;
  });
}

// 32-bit FNV-1a over UTF-16 code units.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

// MurmurHash3's finaliser: each seed turns it into a different permutation of the 32-bit hashes.
function mix(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
