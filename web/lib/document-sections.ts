import type { DocumentChunkView } from "../../worker/contract";

/** A passage as the document view shows it: the part of its text not already shown by the passage before it. */
export interface ShownPassage {
  chunkId: string;
  /** What goes between it and the passage before: a paragraph break when it repeats nothing of that one. */
  separator: string;
  text: string;
  /** Whether this is the passage asked for, shown whole (the passage before gives up the overlap instead). */
  cited: boolean;
}

/** Consecutive passages under the same headings and on the same page, which read as one run of text. */
export interface DocumentSection {
  headingPath: string;
  page: number | null;
  /** Whether the headings differ from those of the section before (so they are shown again). */
  newHeading: boolean;
  /** Whether the page differs from that of the section before. */
  newPage: boolean;
  passages: ShownPassage[];
}

/**
 * The document's passages grouped into sections, each passage without what it repeats of the one before, so the
 * text reads once. The cited passage is shown whole, so offsets into its text hold.
 */
export function documentSections(chunks: readonly DocumentChunkView[], citedChunkId: string | null): DocumentSection[] {
  const sections: DocumentSection[] = [];
  let previous: DocumentChunkView | undefined;
  for (const chunk of chunks) {
    const section = sections.at(-1);
    const continues =
      section !== undefined &&
      previous?.ordinal === chunk.ordinal - 1 &&
      previous.headingPath === chunk.headingPath &&
      previous.page === chunk.page;
    previous = chunk;
    if (!continues) {
      sections.push({
        headingPath: chunk.headingPath,
        page: chunk.page,
        newHeading: section === undefined || section.headingPath !== chunk.headingPath,
        newPage: section === undefined ? chunk.page !== null : section.page !== chunk.page,
        passages: [{ chunkId: chunk.chunkId, separator: "", text: chunk.text, cited: chunk.chunkId === citedChunkId }],
      });
      continue;
    }
    const cited = chunk.chunkId === citedChunkId;
    const before = section.passages.at(-1);
    if (cited && before && chunk.repeated > 0) {
      before.text = before.text.slice(0, Math.max(0, before.text.length - chunk.repeated));
    }
    section.passages.push({
      chunkId: chunk.chunkId,
      separator: chunk.repeated > 0 ? "" : "\n\n",
      text: cited ? chunk.text : chunk.text.slice(chunk.repeated),
      cited,
    });
  }
  return sections;
}
