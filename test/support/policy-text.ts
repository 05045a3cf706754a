/**
 * Seeded policy-like prose for chunking tests: paragraphs of 1 to `maxSentences` (default 16) sentences of 6 to 25
 * words; at 16 some fit a chunk with others and some are long enough to be cut between their sentences.
 */
import { seededRandom } from "../../scripts/lib/seeded-random";

const words = (
  "the of and to in travel hotel expense receipt manager approval booking train flight taxi meal limit policy " +
  "employee country night rate class economy business card"
).split(" ");

export type Random = () => number;

export function randomParagraph(random: Random, maxSentences = 16): string {
  const pick = (count: number) => Math.floor(random() * count);
  const sentence = () => {
    const text = Array.from({ length: 6 + pick(20) }, () => words[pick(words.length)]).join(" ");
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  return Array.from({ length: 1 + pick(maxSentences) }, sentence).join(" ");
}

/** `count` paragraphs from `seed`, and the generator, to write replacements with. */
export function policyParagraphs(
  seed: number,
  count: number,
  maxSentences = 16,
): { paragraphs: string[]; random: Random } {
  const random = seededRandom(seed);
  return { paragraphs: Array.from({ length: count }, () => randomParagraph(random, maxSentences)), random };
}
