import { useEffect, useRef } from "react";
import type { AnswerSource } from "../lib/chat-message";

/** The passages an answer drew on, numbered as cited; an open item shows its snippet. */
export function SourceList({
  sources,
  cited,
  openIndex,
  onToggle,
  idPrefix,
}: {
  sources: AnswerSource[];
  /** Chunk ids the answer cites; the others are shown as retrieved but not cited. Null: all look cited. */
  cited: Set<string> | null;
  openIndex: number | null;
  onToggle: (index: number) => void;
  idPrefix: string;
}) {
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (openIndex === null) return;
    const item = listRef.current?.querySelector<HTMLElement>(`[data-source-index="${openIndex}"]`);
    item?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [openIndex]);

  if (sources.length === 0) return null;
  return (
    <section className="sources" aria-label="Sources">
      <h3 className="sources-heading">Sources</h3>
      <ol ref={listRef} className="source-list">
        {sources.map((source) => {
          const open = openIndex === source.index;
          const uncited = cited !== null && !cited.has(source.chunkId);
          const snippetId = `${idPrefix}-source-${source.index}`;
          const className = ["source-item", open ? "source-item-open" : "", uncited ? "source-item-uncited" : ""]
            .filter(Boolean)
            .join(" ");
          return (
            <li key={source.chunkId} data-testid="source-item" data-source-index={source.index} className={className}>
              <button
                type="button"
                className="source-toggle"
                aria-expanded={open}
                aria-controls={snippetId}
                onClick={() => onToggle(source.index)}
              >
                <span className="source-number">{source.index}</span>
                <span className="source-title">{source.title}</span>
                {uncited ? <span className="source-uncited">not cited</span> : null}
                {Number.isFinite(source.score) ? (
                  <span className="source-score" title="Retrieval score">
                    {source.score.toFixed(3)}
                  </span>
                ) : null}
              </button>
              <div id={snippetId} className="source-snippet" hidden={!open}>
                {source.snippet ? (
                  <blockquote>{source.snippet}</blockquote>
                ) : (
                  <p className="hint">No excerpt was sent for this source.</p>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
