import { useEffect, useId, useRef } from "react";
import { ErrorMessage } from "../components/error-message";
import { HighlightedText } from "../components/highlighted-text";
import { useDocumentText } from "../hooks/use-document-text";
import { documentSections } from "../lib/document-sections";
import { headingTrail } from "../lib/heading-trail";
import type { TextRange } from "../lib/supporting-sentences";

/**
 * A document's text in reading order, as a chat source opens it: scrolled to the cited passage, which is highlighted
 * with the sentences the answer cites marked in it. Earlier and later text is read a page at a time.
 */
export function DocumentPage({
  documentId,
  chunkId,
  marks,
}: {
  documentId: string;
  chunkId: string | null;
  marks: TextRange[];
}) {
  const { page, error, loading, readMore } = useDocumentText(documentId, chunkId);
  const citedRef = useRef<HTMLElement>(null);
  const headingId = useId();
  const found = page?.chunks.some((chunk) => chunk.chunkId === chunkId) ?? false;

  // Once, when the page holding the cited passage arrives; reading more text around it must not scroll back.
  useEffect(() => {
    if (!found) return;
    citedRef.current?.scrollIntoView({ block: "center" });
    citedRef.current?.focus({ preventScroll: true });
  }, [found]);

  const sections = page ? documentSections(page.chunks, chunkId) : [];
  return (
    <article className="panel document-view" data-testid="document-view" aria-labelledby={headingId}>
      <header className="document-view-header">
        <button type="button" className="button-quiet" onClick={() => window.history.back()}>
          ← Back
        </button>
        <h2 id={headingId} data-testid="document-title">
          {page?.document.title ?? (loading ? "Loading the document…" : "Document")}
        </h2>
        {page ? <p className="hint">Collection: {page.document.collection}</p> : null}
      </header>
      {error ? <ErrorMessage message={error} /> : null}
      {page && chunkId !== null && !found && !loading ? (
        <p className="hint" role="status" data-testid="cited-passage-missing">
          The cited passage is no longer in this document: it changed after the answer was written.
        </p>
      ) : null}
      {page && page.chunks.length === 0 && !loading ? (
        <p className="hint">This document has no indexed text yet.</p>
      ) : null}
      {page?.previous !== null && page?.previous !== undefined ? (
        <button
          type="button"
          className="button-secondary"
          data-testid="document-earlier"
          disabled={loading}
          onClick={() => readMore("earlier")}
        >
          Show earlier text
        </button>
      ) : null}
      <div className="document-text">
        {sections.map((section) => (
          <section key={section.passages[0]?.chunkId} className="document-section">
            {section.newPage && section.page !== null ? (
              <p className="document-page-number">Page {section.page}</p>
            ) : null}
            {section.newHeading && section.headingPath ? (
              <h3 className="document-heading">{headingTrail(section.headingPath, page?.document.title ?? "")}</h3>
            ) : null}
            <p className="document-section-text">
              {section.passages.map((passage) => (
                <span key={passage.chunkId}>
                  {passage.separator}
                  {passage.cited ? (
                    <span ref={citedRef} className="cited-passage" data-testid="cited-passage" tabIndex={-1}>
                      <HighlightedText text={passage.text} ranges={marks} />
                    </span>
                  ) : (
                    passage.text
                  )}
                </span>
              ))}
            </p>
          </section>
        ))}
      </div>
      {page?.next !== null && page?.next !== undefined ? (
        <button
          type="button"
          className="button-secondary"
          data-testid="document-later"
          disabled={loading}
          onClick={() => readMore("later")}
        >
          Show more text
        </button>
      ) : null}
    </article>
  );
}
