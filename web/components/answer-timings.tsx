import type { TimingsData } from "../../worker/contract";

function formatMs(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/** How long the answer took, and which model wrote it. */
export function AnswerTimings({ timings }: { timings: TimingsData }) {
  return (
    <>
      <p className="timings" data-testid="answer-timings">
        {timings.cached ? <span data-testid="cached-answer">Cached answer</span> : null}
        <span>Retrieval {formatMs(timings.retrievalMs)}</span>
        {timings.firstTokenMs !== null ? <span>First token {formatMs(timings.firstTokenMs)}</span> : null}
        <span>Total {formatMs(timings.totalMs)}</span>
        <span>Model {timings.model}</span>
      </p>
      {timings.offline ? (
        <p className="offline-note" data-testid="offline-note">
          Offline mode: this answer was put together by the built-in extractive model from sentences of your documents,
          not written by a language model.
        </p>
      ) : null}
    </>
  );
}
