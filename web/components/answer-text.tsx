import { Fragment } from "react";
import { splitCitations } from "../lib/citations";

// Answers quote Markdown sources; inline code is the one piece of markup worth showing as such.
const inlineCodePattern = /`([^`\n]+)`/g;

function TextWithCode({ text }: { text: string }) {
  const pieces = text.split(inlineCodePattern);
  // split() with one capture group alternates plain text (even) and code (odd).
  return pieces.map((piece, position) =>
    // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional and never reordered
    position % 2 === 1 ? <code key={position}>{piece}</code> : <Fragment key={position}>{piece}</Fragment>,
  );
}

/**
 * Answer text with `[n]` markers turned into buttons that open the nth source. Markers that point at no
 * known source stay as written, so a model's stray brackets are not turned into dead links.
 */
export function AnswerText({
  text,
  sourceCount,
  sourceTitle,
  onCite,
}: {
  text: string;
  sourceCount: number;
  sourceTitle: (index: number) => string;
  onCite: (index: number) => void;
}) {
  const segments = splitCitations(text, (index) => index >= 1 && index <= sourceCount);
  return (
    <div className="answer-text">
      {segments.map((segment, position) =>
        segment.kind === "text" ? (
          // Segments are derived from the text and only ever appended to while streaming.
          // biome-ignore lint/suspicious/noArrayIndexKey: position is stable for a growing text
          <TextWithCode key={position} text={segment.text} />
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: position is stable for a growing text
          <sup key={position} className="citation">
            <button
              type="button"
              data-testid="citation"
              aria-label={`Source ${segment.index}: ${sourceTitle(segment.index)}`}
              title={sourceTitle(segment.index)}
              onClick={() => onCite(segment.index)}
            >
              [{segment.index}]
            </button>
          </sup>
        ),
      )}
    </div>
  );
}
