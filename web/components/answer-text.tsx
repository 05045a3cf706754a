import { type ComponentProps, useMemo, useRef } from "react";
import Markdown, { type Components, type ExtraProps, type Options } from "react-markdown";
import rehypeHighlight from "rehype-highlight";
import remarkGfm from "remark-gfm";
import { citationProperty, remarkCitations } from "../lib/remark-citations";
import { CopyButton } from "./copy-button";

/** A fenced code block, with a button that copies its code. */
function CodeBlock({ node: _node, children, ...props }: ComponentProps<"pre"> & ExtraProps) {
  const code = useRef<HTMLPreElement>(null);
  return (
    <div className="code-block">
      <CopyButton text={() => code.current?.textContent ?? ""} label="Copy code" testId="copy-code" />
      <pre ref={code} {...props}>
        {children}
      </pre>
    </div>
  );
}

/** Links open in a new tab and tell the target nothing; `react-markdown` has already emptied unsafe URLs. */
function AnswerLink({ node: _node, children, ...props }: ComponentProps<"a"> & ExtraProps) {
  return (
    <a {...props} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** Wide tables scroll on their own rather than widen the conversation. */
function AnswerTable({ node: _node, ...props }: ComponentProps<"table"> & ExtraProps) {
  return (
    <div className="table-scroll">
      <table {...props} />
    </div>
  );
}

/**
 * Answer text rendered as Markdown (GFM tables, lists, strikethrough; highlighted code with a copy button), with `[n]`
 * markers turned into buttons that open the nth source. Raw HTML in the text is shown as text, never rendered, and
 * unsafe link URLs (`javascript:` …) are dropped. Markers that point at no known source stay as written, so a model's
 * stray brackets are not turned into dead links.
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
  const remarkPlugins = useMemo<Options["remarkPlugins"]>(
    () => [remarkGfm, [remarkCitations, { isKnownSource: (index: number) => index >= 1 && index <= sourceCount }]],
    [sourceCount],
  );
  const components = useMemo<Components>(
    () => ({
      pre: CodeBlock,
      a: AnswerLink,
      table: AnswerTable,
      sup: ({ node, children, ...props }) => {
        const index = node?.properties[citationProperty];
        if (typeof index !== "number") return <sup {...props}>{children}</sup>;
        return (
          <sup className="citation">
            <button
              type="button"
              data-testid="citation"
              aria-label={`Source ${index}: ${sourceTitle(index)}`}
              title={sourceTitle(index)}
              onClick={() => onCite(index)}
            >
              [{index}]
            </button>
          </sup>
        );
      },
    }),
    [sourceTitle, onCite],
  );
  return (
    <div className="answer-text">
      <Markdown remarkPlugins={remarkPlugins} rehypePlugins={[rehypeHighlight]} components={components}>
        {text}
      </Markdown>
    </div>
  );
}
