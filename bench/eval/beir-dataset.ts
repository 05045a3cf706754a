import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Judgements } from "./retrieval-metrics.ts";

/** One corpus entry of a BEIR dataset (`corpus.jsonl`). */
export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
}

/** A BEIR dataset split: the corpus, the split's queries and their relevance judgements. */
export interface BeirSplit {
  corpus: CorpusDocument[];
  /** Only the queries that the split judges, in qrels order. */
  queries: Array<{ id: string; text: string }>;
  qrels: Map<string, Judgements>;
}

/**
 * Reads a folder in the BEIR layout: `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`, `text`)
 * and `qrels/<split>.tsv` (`query-id`, `corpus-id`, `score`, with a header row).
 */
export async function readBeirSplit(folder: string, split: string): Promise<BeirSplit> {
  const [corpus, queryLines, qrelsText] = await Promise.all([
    readBeirCorpus(folder),
    readJsonLines(join(folder, "queries.jsonl")),
    readFile(join(folder, "qrels", `${split}.tsv`), "utf8"),
  ]);
  const qrels = parseQrels(qrelsText);
  const queryText = new Map(queryLines.map((entry) => [String(entry._id), String(entry.text ?? "")]));
  const queries = [...qrels.keys()].flatMap((id) => {
    const text = queryText.get(id);
    return text === undefined ? [] : [{ id, text }];
  });
  return { corpus, queries, qrels };
}

/** The corpus of a folder in the BEIR layout (`corpus.jsonl`: `_id`, `title`, `text`). */
export async function readBeirCorpus(folder: string): Promise<CorpusDocument[]> {
  return (await readJsonLines(join(folder, "corpus.jsonl"))).map((entry) => ({
    id: String(entry._id),
    title: typeof entry.title === "string" ? entry.title : "",
    text: typeof entry.text === "string" ? entry.text : "",
  }));
}

/** Parses a BEIR qrels TSV: a header row, then `query-id<TAB>corpus-id<TAB>score` lines. */
export function parseQrels(text: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  for (const line of lines.slice(1)) {
    const [queryId, documentId, score] = line.split("\t");
    if (queryId === undefined || documentId === undefined || score === undefined) {
      throw new Error(`qrels line is not query-id, corpus-id and score: ${JSON.stringify(line)}`);
    }
    const judgements = qrels.get(queryId) ?? new Map<string, number>();
    judgements.set(documentId, Number(score));
    qrels.set(queryId, judgements);
  }
  return qrels;
}

async function readJsonLines(path: string): Promise<Array<Record<string, unknown>>> {
  return (await readFile(path, "utf8"))
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line));
}
