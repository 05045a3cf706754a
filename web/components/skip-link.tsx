import type { MouseEvent } from "react";

/** The id of the element `SkipLink` moves to; it must be focusable (`tabIndex={-1}`). */
export const mainContentId = "main-content";

/**
 * "Skip to main content": the first stop for the keyboard, shown only while it has focus. The app routes by the URL
 * hash, so instead of following `#main-content` (which would change the route) it moves the focus there itself.
 */
export function SkipLink() {
  function skip(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    document.getElementById(mainContentId)?.focus();
  }
  return (
    <a className="skip-link" href={`#${mainContentId}`} onClick={skip}>
      Skip to main content
    </a>
  );
}
