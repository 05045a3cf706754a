/**
 * The corpus of the chat and search benchmarks: generated operations handbooks of 10 sections each (one chunk per
 * section), every section stating one fact, and questions about those facts. Seeded, so every run asks the same.
 */
import { seededRandom } from "../../scripts/lib/seeded-random.ts";
import type { BatchDocument } from "./bulk-ingest.ts";

/** Each generated document has this many sections, one chunk each (a section is well under the chunk size). */
export const sectionsPerDocument = 10;

const places = ["Berlin", "Lisbon", "Osaka", "Nairobi", "Toronto", "Lima", "Oslo", "Hanoi", "Dakar", "Perth"];
const systems = ["ledger", "scheduler", "gateway", "archive", "billing", "telemetry", "catalog", "router", "vault"];
const actions = ["reconciles", "rotates", "replicates", "compacts", "audits", "snapshots", "rebalances", "purges"];
const objects = ["invoices", "certificates", "replicas", "log segments", "index shards", "session keys", "backups"];
const periods = ["every hour", "every night", "each Monday", "twice a day", "every fifteen minutes", "monthly"];

interface Fact {
  place: string;
  system: string;
  action: string;
  object: string;
  period: string;
}

function factSentence(fact: Fact, document: number, section: number): string {
  return (
    `The ${fact.system} of the ${fact.place} site ${fact.action} the ${fact.object} ${fact.period}. ` +
    `Operators of unit ${document}-${section} check the ${fact.object} before the ${fact.system} ${fact.action} them, ` +
    `and they record the result in the ${fact.place} run book. If the ${fact.system} fails, the on-call engineer ` +
    `pauses it, restores the last good ${fact.object} and starts it again. The procedure was last reviewed in ` +
    `${2019 + (section % 6)} and applies to unit ${document}-${section} only.`
  );
}

/** A corpus of `documents` handbooks, and a source of questions about its facts. */
export interface HandbookCorpus {
  documents: BatchDocument[];
  /** The next question, about a fact the corpus states, drawn from the same seeded sequence every run. */
  nextQuestion(): string;
}

export function handbookCorpus(documentCount: number): HandbookCorpus {
  const random = seededRandom(42);
  const pick = <Item>(items: readonly Item[]): Item => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  };
  const facts: Fact[] = [];
  const documents = Array.from({ length: documentCount }, (_, document) => {
    const sections = Array.from({ length: sectionsPerDocument }, (_, section) => {
      const fact = {
        place: pick(places),
        system: pick(systems),
        action: pick(actions),
        object: pick(objects),
        period: pick(periods),
      };
      facts.push(fact);
      return `## ${fact.place} ${fact.system}, unit ${document}-${section}\n\n${factSentence(fact, document, section)}`;
    });
    return {
      externalId: `bench/${document}`,
      title: `Operations handbook ${document}`,
      text: `# Operations handbook ${document}\n\n${sections.join("\n\n")}\n`,
      contentType: "text/markdown" as const,
    };
  });
  return {
    documents,
    nextQuestion() {
      const fact = pick(facts);
      return `How often does the ${fact.system} of the ${fact.place} site ${fact.action.replace(/s$/, "")} the ${fact.object}?`;
    },
  };
}
