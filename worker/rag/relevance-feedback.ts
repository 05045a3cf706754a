import { ftsQueryTerms } from "./fts-query";
import { passageText } from "./passage-text";
import { isStopword, stemWord, wordTokens } from "./text-tokens";

/** A search word and how much it counts relative to the others. */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/** What pseudo-relevance feedback reads of a passage taken as relevant. */
export interface FeedbackPassage {
  title: string;
  headingPath: string;
  text: string;
}

// Words this short, or all digits, are rarely what a passage is about.
const shortestExpansionWord = 3;

/**
 * RM3 query expansion: the feedback passages' relevance model P(w|R) — each passage's term frequencies over its
 * length, averaged over the passages — gives the `expansionTerms` most likely words not already in the query; the
 * expanded query keeps `originalQueryWeight` of the weight on the query's own words (spread evenly) and gives the
 * rest to the new words in proportion to P(w|R). Words that share a stem count as one, under their most frequent
 * form.
 */
export function expandQuery(
  query: string,
  feedback: readonly FeedbackPassage[],
  options: { expansionTerms: number; originalQueryWeight: number },
): WeightedTerm[] {
  const original = ftsQueryTerms(query);
  const originalStems = new Set(original.map(stemWord));
  const model = new Map<string, { probability: number; forms: Map<string, number> }>();
  for (const passage of feedback) {
    const words = wordTokens(passageText(passage));
    if (words.length === 0) continue;
    for (const word of words) {
      if (word.length < shortestExpansionWord || isStopword(word) || /^\p{N}+$/u.test(word)) continue;
      const stem = stemWord(word);
      if (originalStems.has(stem)) continue;
      const entry = model.get(stem) ?? { probability: 0, forms: new Map<string, number>() };
      entry.probability += 1 / words.length / feedback.length;
      entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
      model.set(stem, entry);
    }
  }
  const expansion = [...model.values()]
    .sort((a, b) => b.probability - a.probability)
    .slice(0, options.expansionTerms)
    .map(({ probability, forms }) => ({ term: mostFrequent(forms), weight: probability }));
  const expansionTotal = expansion.reduce((sum, { weight }) => sum + weight, 0);
  const originalWeight = expansionTotal === 0 ? 1 : options.originalQueryWeight;
  return [
    ...original.map((term) => ({ term, weight: originalWeight / original.length })),
    ...expansion.map(({ term, weight }) => ({ term, weight: ((1 - originalWeight) * weight) / expansionTotal })),
  ].filter(({ weight }) => weight > 0);
}

/**
 * Rocchio feedback on the vector side: the query vector moved towards the mean of the feedback vectors by `shift`
 * (each vector scaled to unit length first, so every passage counts alike whatever its norm).
 */
export function shiftTowardsFeedback(query: readonly number[], feedback: readonly number[][], shift: number): number[] {
  if (feedback.length === 0 || shift === 0) return [...query];
  const shifted = unit(query);
  for (const vector of feedback) {
    unit(vector).forEach((value, index) => {
      shifted[index] = (shifted[index] ?? 0) + (shift * value) / feedback.length;
    });
  }
  return shifted;
}

function unit(vector: readonly number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? [...vector] : vector.map((value) => value / norm);
}

function mostFrequent(forms: ReadonlyMap<string, number>): string {
  let best = "";
  let bestCount = 0;
  for (const [form, count] of forms) {
    if (count > bestCount || (count === bestCount && form < best)) {
      best = form;
      bestCount = count;
    }
  }
  return best;
}
