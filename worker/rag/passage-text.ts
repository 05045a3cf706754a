/** A passage with what stands above it: its document's title and its heading path. */
export interface TitledPassage {
  title: string | undefined;
  headingPath: string;
  text: string;
}

/**
 * A passage as one text, its title and headings first, one a line (empty ones left out): what is embedded at
 * ingestion, what pseudo-relevance feedback embeds to match, and what a reranking model reads.
 */
export function passageText(passage: TitledPassage): string {
  return [passage.title, passage.headingPath, passage.text].filter(Boolean).join("\n");
}
