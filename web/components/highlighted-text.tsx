import type { TextRange } from "../lib/supporting-sentences";

/** `text` as written, with `ranges` (sorted, not overlapping) marked as the sentences an answer cites. */
export function HighlightedText({ text, ranges }: { text: string; ranges: readonly TextRange[] }) {
  let shown = 0;
  const pieces = [];
  for (const range of ranges) {
    if (range.start < shown || range.end > text.length) continue;
    pieces.push(text.slice(shown, range.start));
    pieces.push(
      <mark key={range.start} className="cited-sentence" data-testid="cited-sentence">
        {text.slice(range.start, range.end)}
      </mark>,
    );
    shown = range.end;
  }
  pieces.push(text.slice(shown));
  return <>{pieces}</>;
}
