// Letters, combining marks and digits, so accented words and non-Latin scripts stay whole.
const wordPattern = /[\p{L}\p{M}\p{N}]+/gu;
// Text of ASCII alone reads the same without normalising, and its words are these (about half the time in V8).
const asciiText = /^\p{ASCII}*$/u;
const asciiWordPattern = /[a-z0-9]+/g;

const stopwords = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both " +
    "but by can could did do does doing down during each few for from further had has have having he her here hers " +
    "him his how i if in into is it its itself just me more most my no nor not of off on once only or other our ours " +
    "out over own same she should so some such than that the their theirs them then there these they this those " +
    "through to too under until up very was we were what when where which while who whom why will with would you " +
    "your yours s t d ll m re ve"
  ).split(" "),
);

// Ordered longest first: [suffix, replacement, shortest base left]. Replacements make related forms meet
// ("relational", "relation" and "relate" all become "relat"); the base minimum keeps "apply" from becoming "app".
const derivationalSuffixes: ReadonlyArray<readonly [string, string, number]> = [
  ["ational", "ate", 3],
  ["ization", "ize", 3],
  ["fulness", "ful", 3],
  ["iveness", "ive", 3],
  ["ation", "ate", 3],
  ["ness", "", 3],
  ["ing", "", 3],
  ["ed", "", 3],
  ["ly", "", 4],
];

/** Lower-cased, NFKC-normalised word tokens (runs of letters, marks and digits) in reading order. */
export function wordTokens(text: string): string[] {
  if (asciiText.test(text)) return text.toLowerCase().match(asciiWordPattern) ?? [];
  return text.normalize("NFKC").toLowerCase().match(wordPattern) ?? [];
}

/** True for the small set of English function words that carry no topic. */
export function isStopword(word: string): boolean {
  return stopwords.has(word);
}

// Stems of the words seen lately: a passage is read by feedback, the reranker, the relevance test and the offline
// model in turn, and the same words recur across passages, so most lookups hit. Only words of up to 32 characters
// are kept, and the cache is emptied when full: at most about 2 MB of an isolate's memory (1.7 MB measured for
// 20,000 words of 20 characters), whatever text it is given.
const stemCache = new Map<string, string>();
const stemCacheSize = 20_000;
const longestCachedWord = 32;

/**
 * A light English stemmer: folds plurals and common suffixes so "studies", "studied" and "study" share a stem.
 * Words with anything but a–z are returned unchanged, because the rules are English-only.
 */
export function stemWord(word: string): string {
  if (word.length > longestCachedWord) return stemUncached(word);
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = stemUncached(word);
    if (stemCache.size >= stemCacheSize) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

function stemUncached(word: string): string {
  if (word.length <= 3 || !isAsciiLowercase(word)) return word;
  let stem = stripPlural(word);
  for (const [suffix, replacement, shortestBase] of derivationalSuffixes) {
    if (stem.endsWith(suffix)) {
      const base = stem.slice(0, stem.length - suffix.length);
      if (base.length >= shortestBase && hasVowel(base)) stem = base + replacement;
      break;
    }
  }
  if (stem.length > 3 && stem.endsWith("y") && !isVowel(stem.charCodeAt(stem.length - 2))) {
    stem = `${stem.slice(0, -1)}i`;
  }
  stem = undoubleFinalConsonant(stem);
  if (stem.length > 3 && stem.endsWith("e")) stem = stem.slice(0, -1);
  return stem;
}

/** A text's words as the rankers read them (see {@link textTerms}). */
export interface TextTerms {
  /** Every word, stopwords too. */
  wordCount: number;
  /** Where the stem of each word that is not a stopword stands, counting every word as a position. */
  contentPositions: ReadonlyMap<string, readonly number[]>;
  /** How often the stem of each stopword occurs. */
  stopwordStemCounts: ReadonlyMap<string, number>;
}

// Texts read lately: feedback ranks the first pass's best passages and the reranker the best of those again, and the
// same passages and titles come back for the next questions on the same documents. Bounded by characters, since an
// entry holds about 12 bytes a character of its text (16 KB for a SciFact abstract of 1,378): at most about 2.5 MB,
// room for a retrieval's 40 passages of 2,000 characters. Emptied when full.
const textTermsCache = new Map<string, TextTerms>();
const textTermsCacheCharacters = 200_000;
let cachedCharacters = 0;

/** The {@link TextTerms} of a text, read once for every caller while it stays in an isolate's cache. */
export function textTerms(text: string): TextTerms {
  let terms = textTermsCache.get(text);
  if (terms === undefined) {
    terms = readTextTerms(text);
    if (text.length > textTermsCacheCharacters) return terms;
    if (cachedCharacters + text.length > textTermsCacheCharacters) {
      textTermsCache.clear();
      cachedCharacters = 0;
    }
    textTermsCache.set(text, terms);
    cachedCharacters += text.length;
  }
  return terms;
}

/** How many times the words of {@link TextTerms} have this stem, stopwords included. */
export function stemCount(terms: TextTerms, stem: string): number {
  return (terms.contentPositions.get(stem)?.length ?? 0) + (terms.stopwordStemCounts.get(stem) ?? 0);
}

function readTextTerms(text: string): TextTerms {
  const words = wordTokens(text);
  const contentPositions = new Map<string, number[]>();
  const stopwordStemCounts = new Map<string, number>();
  words.forEach((word, position) => {
    const stem = stemWord(word);
    if (stopwords.has(word)) {
      stopwordStemCounts.set(stem, (stopwordStemCounts.get(stem) ?? 0) + 1);
      return;
    }
    const list = contentPositions.get(stem);
    if (list) list.push(position);
    else contentPositions.set(stem, [position]);
  });
  return { wordCount: words.length, contentPositions, stopwordStemCounts };
}

/** Word tokens without stopwords, stemmed: the terms that say what a text is about. */
export function contentTerms(text: string): string[] {
  const terms: string[] = [];
  for (const word of wordTokens(text)) {
    if (!stopwords.has(word)) terms.push(stemWord(word));
  }
  return terms;
}

function stripPlural(word: string): string {
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}i`;
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
    return word.slice(0, -1);
  }
  return word;
}

function undoubleFinalConsonant(stem: string): string {
  const length = stem.length;
  if (length < 4) return stem;
  const last = stem.charCodeAt(length - 1);
  // "ll", "ss" and "zz" are usually part of the word itself ("install", "class", "buzz").
  if (last !== stem.charCodeAt(length - 2) || isVowel(last) || last === 108 || last === 115 || last === 122) {
    return stem;
  }
  return stem.slice(0, -1);
}

function isAsciiLowercase(word: string): boolean {
  for (let index = 0; index < word.length; index++) {
    const code = word.charCodeAt(index);
    if (code < 97 || code > 122) return false;
  }
  return true;
}

function hasVowel(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (isVowel(text.charCodeAt(index))) return true;
  }
  return false;
}

function isVowel(code: number): boolean {
  // a, e, i, o, u, y
  return code === 97 || code === 101 || code === 105 || code === 111 || code === 117 || code === 121;
}
