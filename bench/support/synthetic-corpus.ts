/**
 * Generated Markdown documents whose every section carries a marker word naming the document and its version
 * (`m12r3`: document 12, version 3), so a search shows which version of a document is indexed, and questions about
 * the facts they state.
 */
import { seededRandom } from "../../scripts/lib/seeded-random.ts";

export interface CorpusDocument {
  externalId: string;
  title: string;
  text: string;
  contentType: "text/markdown";
}

const places = ["Berlin", "Lisbon", "Osaka", "Nairobi", "Toronto", "Lima", "Oslo", "Hanoi", "Dakar", "Perth"];
const systems = ["ledger", "scheduler", "gateway", "archive", "billing", "telemetry", "catalog", "router", "vault"];
const actions = ["reconcile", "rotate", "replicate", "compact", "audit", "snapshot", "rebalance", "purge"];
const objects = ["invoices", "certificates", "replicas", "log segments", "index shards", "session keys", "backups"];
const periods = ["every hour", "every night", "each Monday", "twice a day", "every fifteen minutes", "monthly"];

const sectionsPerDocument = 5;

/** The word every section of `version` of document `index` contains, and no other text does. */
export function markerWord(index: number, version: number): string {
  return `m${index}r${version}`;
}

/** Whether `text` contains `word` as a whole word. */
export function containsWord(text: string, word: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, "u").test(text);
}

export function externalIdOf(index: number): string {
  return `bench/${index}`;
}

export class SyntheticCorpus {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  private pick<Item>(items: readonly Item[]): Item {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** Version `version` of document `index`: about 2,500 characters in five sections, new facts each version. */
  document(index: number, version: number): CorpusDocument {
    const marker = markerWord(index, version);
    const sections = Array.from({ length: sectionsPerDocument }, (_, section) => {
      const [place, system, action, object, period] = [
        this.pick(places),
        this.pick(systems),
        this.pick(actions),
        this.pick(objects),
        this.pick(periods),
      ];
      return (
        `## ${place} ${system}, part ${section + 1}\n\n` +
        `Record ${marker}. The ${system} of the ${place} site must ${action} the ${object} ${period}. ` +
        `Operators of unit ${index}-${section} check the ${object} before the ${system} starts, and write the ` +
        `result in the ${place} run book. If the ${system} fails, the engineer on call pauses it, restores the last ` +
        `good ${object} and starts it again. Reviewed in ${2019 + ((section + version) % 7)}; see record ${marker}.`
      );
    });
    return {
      externalId: externalIdOf(index),
      title: `Operations handbook ${index}`,
      text: `# Operations handbook ${index}\n\n${sections.join("\n\n")}\n`,
      contentType: "text/markdown",
    };
  }

  /** A question a user might ask about the corpus. */
  question(): string {
    const forms = [
      () =>
        `How often must the ${this.pick(systems)} of the ${this.pick(places)} site ${this.pick(actions)} the ${this.pick(objects)}?`,
      () => `What does the engineer on call do when the ${this.pick(systems)} fails?`,
      () => `Where do operators write the result of checking the ${this.pick(objects)}?`,
      () => `Which site has to ${this.pick(actions)} its ${this.pick(objects)} ${this.pick(periods)}?`,
    ];
    return this.pick(forms)();
  }

  /** A search a user might run. */
  searchQuery(): string {
    return `${this.pick(places)} ${this.pick(systems)} ${this.pick(objects)}`;
  }

  /** A whole number in [0, below). */
  integer(below: number): number {
    return Math.floor(this.random() * below);
  }
}
