// Enough terms for any real question; more only slows BM25 down and widens the match set.
const maxTerms = 32;
// Marks (\p{M}) belong to words: scripts such as Devanagari write vowels as combining marks, and splitting
// on them would break every word apart.
const wordPattern = /[\p{L}\p{N}\p{M}]+/gu;

const stopwords: ReadonlySet<string> = new Set(
  `a about an and any are as at be but by can could did do does for from had has have how i if in into
   is it its me my of on or our should so that the their them then there these they this those to was
   we were what when where which who why will with would you your`.split(/\s+/),
);

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

// Inside an FTS5 string only `"` is special, and it is escaped by doubling.
function quoteFtsString(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}
