import { useEffect, useRef } from "react";
import { documentHref } from "../hooks/use-hash-route";
import type { AnswerSource } from "../lib/chat-message";
import { citedClaims } from "../lib/citations";
import { headingTrail } from "../lib/heading-trail";
import { supportingSentences } from "../lib/supporting-sentences";
import { HighlightedText } from "./highlighted-text";

/**
 * The passages an answer drew on, numbered as cited, each with where it is in its document. Only the sources the
 * answer's text cites are marked cited (once it is written, the others as not cited). An open item shows the passage
 * with the sentences the answer cites highlighted, a link to it in the document, and its retrieval details.
 */
export function SourceList({
  sources,
  answerText,
  streaming,
  openIndex,
  onToggle,
  idPrefix,
}: {
  sources: AnswerSource[];
  answerText: string;
  /** While the answer is written, sources it has not cited yet are not marked either way. */
  streaming: boolean;
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
  const claims = citedClaims(answerText, (index) => sources.some((source) => source.index === index));
  return (
    // Not a named region: every answer has its sources, and landmarks with the same name cannot be told apart.
    <section className="sources">
      <h3 className="sources-heading">Sources</h3>
      <ol ref={listRef} className="source-list">
        {sources.map((source) => {
          const open = openIndex === source.index;
          const sourceClaims = claims.get(source.index);
          const citation = sourceClaims ? "cited" : streaming ? "pending" : "not-cited";
          const passageId = `${idPrefix}-source-${source.index}`;
          const location = [
            headingTrail(source.headingPath ?? "", source.title),
            source.page ? `page ${source.page}` : "",
          ]
            .filter(Boolean)
            .join(" · ");
          const className = ["source-item", open ? "source-item-open" : "", `source-item-${citation}`]
            .filter(Boolean)
            .join(" ");
          return (
            <li
              key={source.chunkId}
              data-testid="source-item"
              data-source-index={source.index}
              data-citation={citation}
              className={className}
            >
              <button
                type="button"
                className="source-toggle"
                aria-expanded={open}
                aria-controls={passageId}
                onClick={() => onToggle(source.index)}
              >
                <span className="source-number">{source.index}</span>
                <span className="source-label">
                  <span className="source-title">{source.title}</span>
                  {location ? (
                    <span className="source-location" data-testid="source-location">
                      {location}
                    </span>
                  ) : null}
                </span>
                {citation === "cited" ? <span className="source-cited">cited</span> : null}
                {citation === "not-cited" ? <span className="source-uncited">not cited</span> : null}
              </button>
              <div id={passageId} className="source-snippet" hidden={!open}>
                {open ? <SourcePassage source={source} claims={sourceClaims ?? []} /> : null}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

// The passage with the cited sentences marked, where to read it in its document, and how it was found.
function SourcePassage({ source, claims }: { source: AnswerSource; claims: string[] }) {
  if (!source.snippet) return <p className="hint">No excerpt was sent for this source.</p>;
  const marks = supportingSentences(source.snippet, claims);
  return (
    <>
      <blockquote data-testid="source-passage">
        <HighlightedText text={source.snippet} ranges={marks} />
      </blockquote>
      {source.documentId ? (
        <a
          className="source-open-document"
          data-testid="source-open-document"
          href={documentHref(source.documentId, source.chunkId, marks)}
        >
          Open in the document
        </a>
      ) : null}
      <details className="source-details">
        <summary>Retrieval details</summary>
        <dl>
          <dt>Score</dt>
          <dd data-testid="source-score">
            {Number.isFinite(source.score) ? source.score.toFixed(3) : "unknown"} (rank fusion; orders the sources, not
            a confidence)
          </dd>
          <dt>Passage id</dt>
          <dd>
            <code>{source.chunkId}</code>
          </dd>
        </dl>
      </details>
    </>
  );
}
