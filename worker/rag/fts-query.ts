// Enough terms for any real question; more only slows BM25 down and widens the match set.
const maxTerms = 32;
// A weighted query repeats its strongest term this many times and the others in proportion: each repeat is one more
// phrase for FTS5 to score, and two cost 1.5 times a plain query where 64 phrases in all cost 2.3 times, for the same
// ranking on SciFact train (docs/benchmarks.md, "Retrieval stages").
const strongestTermRepeats = 2;
// And never more phrases than this in all (32 query words and 40 expansion words would make 144).
const maxWeightedPhrases = 64;

// Marks (\p{M}) belong to words: scripts such as Devanagari write vowels as combining marks, and splitting
// on them would break every word apart.
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

const stopwords: ReadonlySet<string> = new Set(
  `a about an and any are as at be but by can could did do does for from had has have how i if in into
   is it its me my of on or our should so that the their them then there these they this those to was
   we were what when where which who why will with would you your`.split(/\s+/),
);

/** A search word and how much it counts relative to the others. */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * The words a full-text search looks for in user text: its distinct lower-cased words, minus English stopwords
 * unless nothing else is left, at most 32. FTS5 operators, column filters, prefixes and punctuation in the input
 * become plain words or disappear.
 */
export function ftsQueryTerms(userText: string): string[] {
  const words = Array.from(userText.normalize("NFC").toLowerCase().matchAll(wordPattern), (match) => match[0]);
  const contentWords = words.filter((word) => !stopwords.has(word));
  return [...new Set(contentWords.length > 0 ? contentWords : words)].slice(0, maxTerms);
}

/**
 * Turns arbitrary user text into a safe SQLite FTS5 MATCH expression: the {@link ftsQueryTerms}, each as a quoted
 * string, joined with OR so BM25 ranks passages by how many and how rare the matched words are. Returns null when
 * the text has no words.
 */
export function toFtsMatchQuery(userText: string): string | null {
  const terms = ftsQueryTerms(userText);
  return terms.length === 0 ? null : terms.map(quoteFtsString).join(" OR ");
}

/**
 * A MATCH expression whose terms count by weight: FTS5's bm25() sums over the phrases of the query, so a term
 * repeated n times counts n times. The strongest term is repeated twice and the others in proportion, rounded; a term
 * that rounds to nothing is left out, and past 64 phrases the weakest terms are. Terms must be words (as
 * {@link ftsQueryTerms} returns them). Null when none is left.
 */
export function toWeightedFtsMatchQuery(terms: readonly WeightedTerm[]): string | null {
  const strongest = terms.reduce((max, { weight }) => Math.max(max, weight), 0);
  if (strongest <= 0) return null;
  const phrases = [...terms]
    .sort((a, b) => b.weight - a.weight)
    .flatMap(({ term, weight }) =>
      Array.from({ length: Math.round((Math.max(0, weight) / strongest) * strongestTermRepeats) }, () =>
        quoteFtsString(term),
      ),
    )
    .slice(0, maxWeightedPhrases);
  return phrases.length === 0 ? null : phrases.join(" OR ");
}

// Inside an FTS5 string only `"` is special, and it is escaped by doubling.
function quoteFtsString(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}
