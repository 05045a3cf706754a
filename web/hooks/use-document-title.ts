import { useEffect } from "react";

const appName = "Edge RAG chat";

/** Sets the browser tab's title to `title` · the app's name (the name alone for an empty title); null leaves it. */
export function useDocumentTitle(title: string | null): void {
  useEffect(() => {
    if (title !== null) document.title = title ? `${title} · ${appName}` : appName;
  }, [title]);
}
